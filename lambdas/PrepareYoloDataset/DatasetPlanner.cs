using System.Security.Cryptography;
using System.Text;
using EdgeMlOps.Contracts;

namespace EdgeMlOps.Lambdas.PrepareYoloDataset;

/// <summary>What the planner needs besides the label rows.</summary>
public sealed record DatasetOptions
{
    /// <summary>Class names; a label's class_id is an index into this list.</summary>
    public required IReadOnlyList<string> ClassNames { get; init; }

    public required DatasetSplitter Splitter { get; init; }
}

/// <summary>
/// Turns offline-store label rows into a YOLO dataset plan. Keeps the latest record per image (by event
/// time, then write time), and only if it is APPROVED and not deleted. Skips, with a counted reason, labels
/// whose image is missing, whose size is unusable, whose annotations cannot be read, or which have a box
/// outside the image or of an unknown class (a partly kept label would teach the model that a defect is
/// background). Fails, rather than produce an empty or one-sided dataset, when no image is left, when no box
/// is left, when a configured class has no box, or when a split ends up empty.
/// </summary>
public static class DatasetPlanner
{
    public const string ReasonImageMissing = "image missing";
    public const string ReasonInvalidSize = "invalid image size";
    public const string ReasonUnreadableAnnotations = "unreadable annotations";
    public const string ReasonBoxOutsideImage = "box outside the image";
    public const string ReasonUnknownClass = "unknown class id";
    public const string ReasonInvalidSourceRef = "invalid source_ref";

    private static readonly HashSet<string> ImageExtensions = new(StringComparer.OrdinalIgnoreCase) { ".jpg", ".jpeg", ".png", ".bmp", ".webp" };

    public static DatasetPlan Plan(IEnumerable<LabelRecord> rows, Func<string, bool> imageExists, DatasetOptions options)
    {
        if (options.ClassNames.Count == 0)
        {
            throw new ArgumentException("DatasetOptions.ClassNames must name at least one class");
        }

        var latest = LatestApproved(rows);
        var skipped = new SortedDictionary<string, int>(StringComparer.Ordinal);
        void Skip(string reason) => skipped[reason] = skipped.GetValueOrDefault(reason) + 1;

        var images = new List<DatasetImage>();
        var used = new List<LabelRecord>();
        var usedNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in latest)
        {
            if (!TryObjectKey(row.SourceRef, out var key))
            {
                Skip(ReasonInvalidSourceRef);
                continue;
            }

            if (!imageExists(row.SourceRef))
            {
                Skip(ReasonImageMissing);
                continue;
            }

            if (row.ImageWidth <= 0 || row.ImageHeight <= 0)
            {
                Skip(ReasonInvalidSize);
                continue;
            }

            var boxes = AnnotationParser.TryParse(row.Annotations);
            if (boxes is null)
            {
                Skip(ReasonUnreadableAnnotations);
                continue;
            }

            if (boxes.Any(b => b.ClassId < 0 || b.ClassId >= options.ClassNames.Count))
            {
                Skip(ReasonUnknownClass);
                continue;
            }

            if (boxes.Any(b => !IsInside(b, row.ImageWidth, row.ImageHeight)))
            {
                Skip(ReasonBoxOutsideImage);
                continue;
            }

            var (fileName, labelFileName) = FileNames(key, usedNames);
            used.Add(row);
            images.Add(new DatasetImage(
                row.SourceRef,
                options.Splitter.Assign(key),
                fileName,
                labelFileName,
                boxes.Select(b => YoloBox.FromPixels(b, row.ImageWidth, row.ImageHeight)).ToList()));
        }

        var plan = new DatasetPlan
        {
            Images = images.OrderBy(i => i.SourceUri, StringComparer.Ordinal).ToList(),
            ClassNames = options.ClassNames,
            Skipped = skipped,
            SnapshotId = Snapshot(latest),
            LabelingJobs = LabelingJobs(used),
        };
        Check(plan);
        return plan;
    }

    /// <summary>
    /// The labeling jobs behind the dataset's labels, newest first (by their newest label), as many as fit
    /// <see cref="ModelPackageMetadata.MaxValueLength"/> characters joined with
    /// <see cref="ModelPackageMetadata.LabelingJobSeparator"/> (the model package metadata value they go into);
    /// labels without a job name are not named; Ground Truth's <c>labeling-job/</c> prefix is dropped.
    /// </summary>
    public static IReadOnlyList<string> LabelingJobs(IEnumerable<LabelRecord> used)
    {
        var jobs = new List<string>();
        var length = 0;
        foreach (var job in used.Where(r => r.LabelingJob.Length > 0).GroupBy(r => ModelPackageMetadata.LabelingJobName(r.LabelingJob), StringComparer.Ordinal)
            .OrderByDescending(g => g.Max(r => r.EventTime)).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Key))
        {
            var added = length + (jobs.Count > 0 ? 1 : 0) + job.Length;
            if (added > ModelPackageMetadata.MaxValueLength)
            {
                break;
            }

            jobs.Add(job);
            length = added;
        }

        return jobs;
    }

    /// <summary>Folder name of a split in the dataset layout (YOLO's train/val/test).</summary>
    public static string FolderOf(DatasetSplit split) => split switch
    {
        DatasetSplit.Train => "train",
        DatasetSplit.Validation => "val",
        _ => "test",
    };

    /// <summary>The latest record of each image, kept when it is APPROVED and not a deletion.</summary>
    public static IReadOnlyList<LabelRecord> LatestApproved(IEnumerable<LabelRecord> rows) => rows
        .GroupBy(r => r.SourceRef, StringComparer.Ordinal)
        .Select(g => g
            .OrderByDescending(r => double.IsNaN(r.EventTime) ? double.MinValue : r.EventTime)
            .ThenByDescending(r => r.WriteTime, StringComparer.Ordinal)
            .First())
        .Where(r => !r.IsDeleted && string.Equals(r.Status, "APPROVED", StringComparison.Ordinal))
        .OrderBy(r => r.SourceRef, StringComparer.Ordinal)
        .ToList();

    /// <summary>The object key of an s3:// URI (the image id used for the split).</summary>
    public static bool TryObjectKey(string sourceRef, out string key)
    {
        key = S3Uri.TryParse(sourceRef, out var uri) ? uri.Key : string.Empty;
        return key.Length > 0;
    }

    private static bool IsInside(PixelBox box, int width, int height) =>
        box.Width > 0 && box.Height > 0
        && box.Left >= 0 && box.Top >= 0
        && box.Left + box.Width <= width && box.Top + box.Height <= height;

    /// <summary>
    /// A flat, unique file name per image: the key's last two folders and its name, so images with the same
    /// name in different folders stay apart; an extension YOLO does not read (e.g. ".jpg_0") gets ".jpg" added.
    /// </summary>
    private static (string FileName, string LabelFileName) FileNames(string key, HashSet<string> used)
    {
        var parts = key.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var stem = string.Join("_", parts.Skip(Math.Max(0, parts.Length - 3)));
        var extension = Path.GetExtension(stem);
        var name = ImageExtensions.Contains(extension) ? stem : stem + ".jpg";
        if (!used.Add(name))
        {
            var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..8].ToLowerInvariant();
            name = $"{Path.GetFileNameWithoutExtension(name)}-{hash}{Path.GetExtension(name)}";
            used.Add(name);
        }

        return (name, Path.GetFileNameWithoutExtension(name) + ".txt");
    }

    private static string Snapshot(IEnumerable<LabelRecord> rows)
    {
        var text = string.Join('\n', rows.Select(r => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{r.SourceRef}|{r.EventTime:R}|{r.WriteTime}|{r.Annotations}")));
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16].ToLowerInvariant();
    }

    private static void Check(DatasetPlan plan)
    {
        if (plan.ImageCount == 0)
        {
            throw new DatasetException("no usable approved label is left (empty dataset)", plan.Skipped);
        }

        if (plan.LabelCount == 0)
        {
            throw new DatasetException($"all {plan.ImageCount} images are background, there is no box to learn from", plan.Skipped);
        }

        var missingClasses = plan.BoxesPerClass.Where(c => c.Value == 0).Select(c => c.Key).ToList();
        if (missingClasses.Count > 0)
        {
            var present = plan.ClassNames.Count - missingClasses.Count;
            throw new DatasetException(
                $"only {present} of {plan.ClassNames.Count} classes have boxes; no box of class {string.Join(", ", missingClasses)}",
                plan.Skipped);
        }

        foreach (var split in Enum.GetValues<DatasetSplit>())
        {
            if (plan.CountIn(split) == 0)
            {
                throw new DatasetException($"the {FolderOf(split)} split is empty with {plan.ImageCount} images; label more images", plan.Skipped);
            }
        }

        if (plan.Images.Where(i => i.Split == DatasetSplit.Train).Sum(i => i.Boxes.Count) == 0)
        {
            throw new DatasetException("the train split has no box", plan.Skipped);
        }
    }
}
