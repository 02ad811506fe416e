namespace SharpGrad.Cli.Infrastructure;

/// <summary>
/// A command line that parsed but cannot run as asked (a missing data folder, an option that makes no sense
/// with another). The tool prints its message on one line and exits with code 2, as for a parse error.
/// </summary>
internal sealed class UsageException(string message) : Exception(message);
