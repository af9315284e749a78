namespace EdgeMlOps.Lambdas.PrepareYoloDataset;

/// <summary>One image of the dataset: where it comes from, where it goes, and its YOLO label file.</summary>
public sealed record DatasetImage(string SourceUri, DatasetSplit Split, string FileName, string LabelFileName, IReadOnlyList<YoloBox> Boxes)
{
    /// <summary>Contents of the label file: one line per box; empty for a background image.</summary>
    public string LabelText => Boxes.Count == 0 ? string.Empty : string.Join('\n', Boxes.Select(b => b.ToLine())) + "\n";

    public string SplitFolder => DatasetPlanner.FolderOf(Split);
}

/// <summary>The dataset to write, with every count the pipeline reports.</summary>
public sealed record DatasetPlan
{
    public required IReadOnlyList<DatasetImage> Images { get; init; }

    public required IReadOnlyList<string> ClassNames { get; init; }

    /// <summary>Why labels were left out, with how many: e.g. "image missing" → 2.</summary>
    public required IReadOnlyDictionary<string, int> Skipped { get; init; }

    /// <summary>Short hash of the labels used: two runs on the same labels have the same snapshot id.</summary>
    public required string SnapshotId { get; init; }

    /// <summary>The labeling jobs behind the labels, newest first, as many as the model package metadata value holds (<see cref="DatasetPlanner.LabelingJobs"/>).</summary>
    public IReadOnlyList<string> LabelingJobs { get; init; } = [];

    public int ImageCount => Images.Count;

    public int LabelCount => Images.Sum(i => i.Boxes.Count);

    public int BackgroundImages => Images.Count(i => i.Boxes.Count == 0);

    public int SkippedLabels => Skipped.Values.Sum();

    public int CountIn(DatasetSplit split) => Images.Count(i => i.Split == split);

    public IReadOnlyDictionary<string, int> BoxesPerClass => ClassNames
        .Select((name, id) => (name, count: Images.Sum(i => i.Boxes.Count(b => b.ClassId == id))))
        .ToDictionary(x => x.name, x => x.count, StringComparer.Ordinal);
}
