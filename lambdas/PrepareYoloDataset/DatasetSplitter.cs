using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace EdgeMlOps.Lambdas.PrepareYoloDataset;

/// <summary>Train, validation and held-out test.</summary>
public enum DatasetSplit
{
    Train,
    Validation,
    Test,
}

/// <summary>
/// Assigns an image to a split from a hash of the seed and the image id alone, so an image keeps its split
/// when other labels are added or removed (no shuffling of the whole list), and a test image never moves
/// into training on a later run with the same seed.
/// </summary>
public sealed record DatasetSplitter
{
    public DatasetSplitter(int seed, int validationPercent, int testPercent)
    {
        if (validationPercent is < 0 or > 100 || testPercent is < 0 or > 100 || validationPercent + testPercent >= 100)
        {
            throw new ArgumentException($"validation ({validationPercent}) and test ({testPercent}) percentages must be 0..100 and leave room for training");
        }

        Seed = seed;
        ValidationPercent = validationPercent;
        TestPercent = testPercent;
    }

    public int Seed { get; }

    public int ValidationPercent { get; }

    public int TestPercent { get; }

    public DatasetSplit Assign(string imageId)
    {
        var bucket = Bucket(imageId);
        if (bucket < TestPercent * 100)
        {
            return DatasetSplit.Test;
        }

        return bucket < (TestPercent + ValidationPercent) * 100 ? DatasetSplit.Validation : DatasetSplit.Train;
    }

    /// <summary>A number in [0, 10000) from SHA-256 of "seed:imageId".</summary>
    public int Bucket(string imageId)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{Seed}:{imageId}"), hash);
        return (int)(BinaryPrimitives.ReadUInt64BigEndian(hash) % 10_000UL);
    }
}
