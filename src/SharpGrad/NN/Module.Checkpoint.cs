using SharpGrad.IO;

namespace SharpGrad.NN;

public abstract partial class Module
{
    /// <summary>
    /// Writes <see cref="StateDict"/> to a safetensors file, atomically (a crash never leaves a half-written file in place
    /// of a good one). PyTorch reads it with <c>safetensors.torch.load_file</c> + <c>model.load_state_dict</c>.
    /// </summary>
    public void Save(string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var meta = new Dictionary<string, string> { ["format"] = "pt" };
        if (metadata is not null) foreach (var (k, v) in metadata) meta[k] = v;
        SafeTensors.Save(path, StateDict(), meta);
    }

    /// <summary>
    /// Loads parameters and buffers from a safetensors file written by <see cref="Save"/> or by PyTorch's
    /// <c>safetensors.torch.save_file(model.state_dict(), path)</c>, through <see cref="LoadStateDict"/>.
    /// </summary>
    public IncompatibleKeys Load(string path, bool strict = true) => LoadStateDict(SafeTensors.Load(path), strict);
}
