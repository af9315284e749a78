using EdgeMlOps.Lambdas.PrepareYoloDataset;
using EdgeMlOps.Testing;

namespace EdgeMlOps.ModelTraining.Tests.Dataset;

/// <summary>tests/data/training/labels.csv with its ${bucket} placeholder replaced.</summary>
internal static class LabelsCsv
{
    public const string Bucket = "data-bucket";

    public static string Text(string bucket = Bucket) =>
        File.ReadAllText(RepositoryRoot.Combine("tests", "data", "training", "labels.csv")).Replace("${bucket}", bucket, StringComparison.Ordinal);

    public static IReadOnlyList<LabelRecord> Rows() => LabelsCsvReader.Read(Text());

    public static string Uri(string imagePath) => $"s3://{Bucket}/pipeline/assets/images/2021-01-28-09-50-34/{imagePath}";

    public static DatasetOptions Options(int seed = 42, params string[] classNames) => new()
    {
        ClassNames = classNames.Length == 0 ? ["scratch"] : classNames,
        Splitter = new DatasetSplitter(seed, 15, 15),
    };

    public static LabelRecord Row(string imagePath, string annotations, double eventTime = 1_700_000_000, string status = "APPROVED", int width = 450, int height = 300) => new()
    {
        SourceRef = Uri(imagePath),
        ImageWidth = width,
        ImageHeight = height,
        Annotations = annotations,
        EventTime = eventTime,
        Status = status,
    };
}
