using System.Numerics;

namespace SharpGrad.Data;

/// <summary>
/// CPython's <c>random</c> module, bit for bit: the Mersenne Twister MT19937 seeded as <c>random.seed(n)</c> seeds it
/// (<c>init_by_array</c> over the 32-bit words of |n|, least significant first) and the draws built on it
/// (<c>getrandbits</c>, <c>randrange</c> through <c>_randbelow</c>'s rejection sampling, <c>shuffle</c>, <c>random</c>).
/// It exists so that a course program's <c>random.seed(666)</c> split or shuffle can be reproduced exactly; SharpGrad's
/// own <see cref="Generator"/> is what tensors use.
/// </summary>
public sealed class PythonRandom
{
    private const int N = 624, M = 397;
    private readonly uint[] _mt = new uint[N];
    private int _index;

    /// <summary>A generator in the state <c>random.seed(seed)</c> leaves (integer seeds, Python 3.2 and later).</summary>
    /// <param name="seed">Any integer; its absolute value is used, as CPython does.</param>
    public PythonRandom(BigInteger seed) => Seed(seed);

    /// <summary>Re-seeds as <c>random.seed(seed)</c> does for an int.</summary>
    /// <param name="seed">Any integer; its absolute value is used.</param>
    public void Seed(BigInteger seed)
    {
        var n = BigInteger.Abs(seed);
        var key = new List<uint>();
        do
        {
            key.Add((uint)(n & uint.MaxValue));
            n >>= 32;
        } while (!n.IsZero);
        InitByArray(key);
    }

    /// <summary>A non-negative integer of <paramref name="k"/> random bits (<c>random.getrandbits(k)</c>).</summary>
    /// <param name="k">Number of bits, 0 to 64.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is negative or above 64.</exception>
    public ulong GetRandBits(int k)
    {
        if (k < 0 || k > 64) throw new ArgumentOutOfRangeException(nameof(k), k, "PythonRandom.GetRandBits: k must be in 0..64");
        if (k == 0) return 0;
        if (k <= 32) return Next() >> (32 - k);
        // CPython fills 32-bit words from the least significant end; the last word keeps its top bits.
        ulong low = Next();
        ulong high = Next() >> (64 - k);
        return low | (high << 32);
    }

    /// <summary>A uniform integer in [0, <paramref name="n"/>) (<c>random._randbelow(n)</c>, i.e. <c>randrange(n)</c>).</summary>
    /// <param name="n">The exclusive upper bound, positive.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is not positive.</exception>
    public long RandRange(long n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, "PythonRandom.RandRange: empty range for randrange(n): n must be positive");
        int k = 64 - BitOperations.LeadingZeroCount((ulong)n);
        ulong r = GetRandBits(k);
        while (r >= (ulong)n) r = GetRandBits(k);
        return (long)r;
    }

    /// <summary>Shuffles <paramref name="items"/> in place exactly as <c>random.shuffle(items)</c> does.</summary>
    /// <param name="items">The list to shuffle.</param>
    public void Shuffle<T>(IList<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = (int)RandRange(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>A double in [0, 1) with 53 random bits (<c>random.random()</c>).</summary>
    public double Random()
    {
        uint a = Next() >> 5, b = Next() >> 6;
        return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
    }

    private void InitGenrand(uint s)
    {
        _mt[0] = s;
        for (int i = 1; i < N; i++) _mt[i] = 1812433253u * (_mt[i - 1] ^ (_mt[i - 1] >> 30)) + (uint)i;
        _index = N;
    }

    private void InitByArray(List<uint> key)
    {
        InitGenrand(19650218u);
        int i = 1, j = 0;
        for (int k = Math.Max(N, key.Count); k > 0; k--)
        {
            _mt[i] = (_mt[i] ^ ((_mt[i - 1] ^ (_mt[i - 1] >> 30)) * 1664525u)) + key[j] + (uint)j;
            i++; j++;
            if (i >= N) { _mt[0] = _mt[N - 1]; i = 1; }
            if (j >= key.Count) j = 0;
        }
        for (int k = N - 1; k > 0; k--)
        {
            _mt[i] = (_mt[i] ^ ((_mt[i - 1] ^ (_mt[i - 1] >> 30)) * 1566083941u)) - (uint)i;
            i++;
            if (i >= N) { _mt[0] = _mt[N - 1]; i = 1; }
        }
        _mt[0] = 0x80000000u;
    }

    /// <summary>The next tempered 32-bit output (<c>genrand_uint32</c>).</summary>
    private uint Next()
    {
        if (_index >= N) Twist();
        uint y = _mt[_index++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        return y ^ (y >> 18);
    }

    private void Twist()
    {
        for (int kk = 0; kk < N; kk++)
        {
            uint y = (_mt[kk] & 0x80000000u) | (_mt[(kk + 1) % N] & 0x7fffffffu);
            _mt[kk] = _mt[(kk + M) % N] ^ (y >> 1) ^ ((y & 1) != 0 ? 0x9908b0dfu : 0u);
        }
        _index = 0;
    }
}
