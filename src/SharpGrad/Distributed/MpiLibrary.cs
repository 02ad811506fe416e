using System.Runtime.InteropServices;
using System.Text;

namespace SharpGrad.Distributed;

/// <summary>
/// OpenMPI's C library (Debian's <c>libmpi.so.40</c>, package <c>openmpi-bin</c>) loaded at run time: the entry points
/// the process group calls, and the predefined handles. In OpenMPI a handle such as <c>MPI_COMM_WORLD</c> or
/// <c>MPI_FLOAT</c> is the address of an exported object (<c>ompi_mpi_comm_world</c>, <c>ompi_mpi_float</c>), so the handles
/// are the addresses of those symbols. Every call goes through <see cref="MpiThread"/>, the one thread that initialised MPI.
/// </summary>
internal sealed unsafe class MpiLibrary
{
    /// <summary>The soname Debian's openmpi-bin installs (OpenMPI 4.x).</summary>
    public const string SoName = "libmpi.so.40";

    /// <summary>The package that provides it, named in every error about a missing library.</summary>
    public const string Package = "openmpi-bin";

    public const int ThreadFunneled = 1; // MPI_THREAD_FUNNELED: only the thread that initialised MPI calls it
    public const int Success = 0;

    private readonly nint _handle;

    public readonly delegate* unmanaged<int*, byte***, int, int*, int> InitThread;
    public readonly delegate* unmanaged<int> Finalize;
    public readonly delegate* unmanaged<nint, int*, int> CommRank;
    public readonly delegate* unmanaged<nint, int*, int> CommSize;
    public readonly delegate* unmanaged<nint, nint, int> CommSetErrhandler;
    public readonly delegate* unmanaged<void*, void*, int, nint, nint, nint, nint*, int> Iallreduce;
    public readonly delegate* unmanaged<void*, int, nint, int, nint, nint*, int> Ibcast;
    public readonly delegate* unmanaged<void*, int, nint, void*, int, nint, nint, nint*, int> Iallgather;
    public readonly delegate* unmanaged<nint, nint*, int> Ibarrier;
    public readonly delegate* unmanaged<nint*, int*, void*, int> Test;
    public readonly delegate* unmanaged<nint, int, int> Abort;
    public readonly delegate* unmanaged<int, byte*, int*, int> ErrorString;

    /// <summary>Predefined handles: addresses of OpenMPI's exported objects.</summary>
    public readonly nint CommWorld, Float, Double, Int64, OpSum, OpMax, OpMin, ErrorsReturn;

    private MpiLibrary(nint handle)
    {
        _handle = handle;
        InitThread = (delegate* unmanaged<int*, byte***, int, int*, int>)Export("MPI_Init_thread");
        Finalize = (delegate* unmanaged<int>)Export("MPI_Finalize");
        CommRank = (delegate* unmanaged<nint, int*, int>)Export("MPI_Comm_rank");
        CommSize = (delegate* unmanaged<nint, int*, int>)Export("MPI_Comm_size");
        CommSetErrhandler = (delegate* unmanaged<nint, nint, int>)Export("MPI_Comm_set_errhandler");
        Iallreduce = (delegate* unmanaged<void*, void*, int, nint, nint, nint, nint*, int>)Export("MPI_Iallreduce");
        Ibcast = (delegate* unmanaged<void*, int, nint, int, nint, nint*, int>)Export("MPI_Ibcast");
        Iallgather = (delegate* unmanaged<void*, int, nint, void*, int, nint, nint, nint*, int>)Export("MPI_Iallgather");
        Ibarrier = (delegate* unmanaged<nint, nint*, int>)Export("MPI_Ibarrier");
        Test = (delegate* unmanaged<nint*, int*, void*, int>)Export("MPI_Test");
        Abort = (delegate* unmanaged<nint, int, int>)Export("MPI_Abort");
        ErrorString = (delegate* unmanaged<int, byte*, int*, int>)Export("MPI_Error_string");
        CommWorld = Export("ompi_mpi_comm_world");
        Float = Export("ompi_mpi_float");
        Double = Export("ompi_mpi_double");
        Int64 = Export("ompi_mpi_int64_t");
        OpSum = Export("ompi_mpi_op_sum");
        OpMax = Export("ompi_mpi_op_max");
        OpMin = Export("ompi_mpi_op_min");
        ErrorsReturn = Export("ompi_mpi_errors_return");
    }

    /// <summary>
    /// Loads libmpi. It is opened with RTLD_GLOBAL (as mpi4py does): OpenMPI loads its transport and collective
    /// components as plugins that expect libmpi's symbols to be visible globally.
    /// </summary>
    /// <exception cref="DllNotFoundException">libmpi.so.40 is not installed; the message names the apt package.</exception>
    public static MpiLibrary Load(string soName = SoName)
    {
        nint handle = 0;
        string? error = null;
        if (OperatingSystem.IsLinux())
        {
            try
            {
                handle = dlopen(soName, RtldNow | RtldGlobal);
                if (handle == 0) error = Marshal.PtrToStringUTF8(dlerror());
            }
            catch (EntryPointNotFoundException) { } // a libc without dlopen in libc.so.6: fall back below
            catch (DllNotFoundException) { }
        }
        if (handle == 0 && !NativeLibrary.TryLoad(soName, out handle))
            throw new DllNotFoundException(
                $"init_process_group: backend 'mpi' needs OpenMPI's {soName}, which could not be loaded ({error ?? "not found"}). " +
                $"Install it with: sudo apt-get install {Package}");
        try
        {
            return new MpiLibrary(handle);
        }
        catch (EntryPointNotFoundException e)
        {
            throw new DllNotFoundException(
                $"init_process_group: {soName} was found but is not OpenMPI 4 ({e.Message}); install Debian's {Package}", e);
        }
    }

    /// <summary>The text MPI gives for an error code.</summary>
    public string Describe(int code)
    {
        var buffer = new byte[512];
        int length = 0;
        fixed (byte* p = buffer)
            if (ErrorString(code, p, &length) != Success) return $"MPI error {code}";
        return $"MPI error {code}: {Encoding.ASCII.GetString(buffer, 0, Math.Clamp(length, 0, buffer.Length))}";
    }

    private nint Export(string name) => NativeLibrary.GetExport(_handle, name);

    /// <summary>Sleeps about <paramref name="microseconds"/> (plus the kernel's timer slack); Thread.Sleep has millisecond steps.</summary>
    public static void SleepMicroseconds(int microseconds)
    {
        if (OperatingSystem.IsLinux()) usleep((uint)microseconds);
        else Thread.Sleep(0);
    }

    [DllImport("libc.so.6")]
    private static extern int usleep(uint microseconds);

    /// <summary>
    /// Sets OpenMPI's parameter <paramref name="name"/> for this process (its <c>OMPI_MCA_</c> environment variable,
    /// read by MPI_Init) unless the user set it, e.g. with <c>mpirun --mca name value</c>.
    /// </summary>
    public static void SetMcaDefault(string name, string value)
    {
        string variable = "OMPI_MCA_" + name;
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(variable) is not null) return;
        setenv(variable, value, 0); // Environment.SetEnvironmentVariable does not reach the C library's environment
    }

    [DllImport("libc.so.6", CharSet = CharSet.Ansi, BestFitMapping = false)]
    private static extern int setenv(string name, string value, int overwrite);

    private const int RtldNow = 2, RtldGlobal = 0x100;

    [DllImport("libc.so.6", CharSet = CharSet.Ansi, BestFitMapping = false)]
    private static extern nint dlopen(string file, int mode);

    [DllImport("libc.so.6")]
    private static extern nint dlerror();
}
