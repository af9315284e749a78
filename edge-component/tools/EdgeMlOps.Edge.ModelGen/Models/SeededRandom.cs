namespace EdgeMlOps.Edge.ModelGen.Models;

/// <summary>
/// SplitMix64: a tiny PRNG whose sequence is fixed by its definition, so a seed gives the same weights on every
/// machine and .NET version (System.Random's seeded sequence is an implementation detail).
/// </summary>
public sealed class SeededRandom(ulong seed)
{
    private ulong _state = seed;

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [-1, 1).</summary>
    public float NextSigned() => (float)(((NextUInt64() >> 40) * (1.0 / (1UL << 24)) * 2.0) - 1.0);

    public float[] Uniform(int count, float bound)
    {
        var values = new float[count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = NextSigned() * bound;
        }

        return values;
    }
}
