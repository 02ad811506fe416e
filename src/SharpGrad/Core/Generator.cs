namespace SharpGrad;

/// <summary>
/// A seeded pseudo-random number generator (PyTorch <c>torch.Generator</c>), xoshiro256** seeded
/// through splitmix64. The same seed gives the same sequence on every run and machine.
/// Not thread-safe by itself; the default generator is guarded by a lock.
/// </summary>
public sealed class Generator
{
    /// <summary>The seed the default generator starts from, as in PyTorch (<c>torch.initial_seed()</c>).</summary>
    public const ulong DefaultSeed = 67280421310721UL;

    private ulong _s0, _s1, _s2, _s3;
    private double? _spareNormal;

    /// <summary>Creates a generator seeded with <paramref name="seed"/>.</summary>
    public Generator(ulong seed = DefaultSeed) => ManualSeed(seed);

    /// <summary>The seed last set (<c>generator.initial_seed()</c>).</summary>
    public ulong InitialSeed { get; private set; }

    /// <summary>Resets the generator to the start of the sequence for <paramref name="seed"/> (<c>generator.manual_seed</c>).</summary>
    public Generator ManualSeed(ulong seed)
    {
        InitialSeed = seed;
        ulong x = seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
        _spareNormal = null;
        return this;
    }

    /// <summary>
    /// Snapshot of the state (<c>generator.get_state()</c>): the four xoshiro words, the seed, and
    /// whether a second Box-Muller normal is pending (0 or 1) with its bits, so that a restore replays it.
    /// </summary>
    public ulong[] GetState() =>
        [_s0, _s1, _s2, _s3, InitialSeed, _spareNormal is null ? 0UL : 1UL, BitConverter.DoubleToUInt64Bits(_spareNormal ?? 0)];

    /// <summary>Restores a state from <see cref="GetState"/> (<c>generator.set_state</c>); a 5-word state has no pending normal.</summary>
    public void SetState(ulong[] state)
    {
        if (state.Length != 5 && state.Length != 7)
            throw new ArgumentException($"Generator.SetState: expected 7 words (or 5 without a pending normal), got {state.Length}");
        (_s0, _s1, _s2, _s3, InitialSeed) = (state[0], state[1], state[2], state[3], state[4]);
        _spareNormal = state.Length == 7 && state[5] != 0 ? BitConverter.UInt64BitsToDouble(state[6]) : null;
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform float in [0, 1) with 24 random bits.</summary>
    public float NextSingle() => (NextUInt64() >> 40) * (1.0f / (1 << 24));

    /// <summary>Standard normal sample (Box-Muller; the second value of each pair is kept for the next call).</summary>
    public double NextNormal()
    {
        if (_spareNormal is double spare)
        {
            _spareNormal = null;
            return spare;
        }
        double u1 = 1.0 - NextDouble(); // (0, 1]: log is finite
        double u2 = NextDouble();
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        _spareNormal = r * Math.Sin(2 * Math.PI * u2);
        return r * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Uniform integer in [low, high) without modulo bias.</summary>
    public long NextInt64(long low, long high)
    {
        if (high <= low) throw new ArgumentException($"randint: low ({low}) must be less than high ({high})");
        ulong range = (ulong)(high - low);
        ulong limit = ulong.MaxValue - ulong.MaxValue % range;
        ulong r;
        do r = NextUInt64(); while (r >= limit);
        return low + (long)(r % range);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
