namespace SharpGrad.Distributed;

/// <summary>An error reported by the communication backend (MPI) during a collective (PyTorch <c>torch.distributed.DistBackendError</c>).</summary>
public sealed class DistBackendException : Exception
{
    /// <summary>Creates the exception with a message naming the collective and the MPI error.</summary>
    public DistBackendException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public DistBackendException(string message, Exception inner) : base(message, inner) { }
}
