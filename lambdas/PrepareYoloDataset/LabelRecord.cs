namespace EdgeMlOps.Lambdas.PrepareYoloDataset;

/// <summary>
/// One row of the labeling app's offline store (or of labels.csv): the label of one image at one time.
/// <see cref="Annotations"/> is the raw annotations text; it is parsed when the dataset is built.
/// </summary>
public sealed record LabelRecord
{
    public required string SourceRef { get; init; }

    public required int ImageWidth { get; init; }

    public required int ImageHeight { get; init; }

    public required string Annotations { get; init; }

    /// <summary>Seconds since the epoch when the label was produced.</summary>
    public required double EventTime { get; init; }

    /// <summary>When the offline store wrote the record; breaks ties of <see cref="EventTime"/>. Empty in labels.csv.</summary>
    public string WriteTime { get; init; } = string.Empty;

    public required string Status { get; init; }

    public bool IsDeleted { get; init; }

    public string LabelingJob { get; init; } = string.Empty;
}

/// <summary>A box in pixels, as the labeling tool stores it: top-left corner and size.</summary>
public readonly record struct PixelBox(int ClassId, double Left, double Top, double Width, double Height);

/// <summary>A box in YOLO form: class, centre and size normalised by the image size (0..1).</summary>
public readonly record struct YoloBox(int ClassId, double CentreX, double CentreY, double Width, double Height)
{
    /// <summary>Converts a pixel box; the caller has checked it lies inside the image.</summary>
    public static YoloBox FromPixels(PixelBox box, int imageWidth, int imageHeight) => new(
        box.ClassId,
        (box.Left + (box.Width / 2)) / imageWidth,
        (box.Top + (box.Height / 2)) / imageHeight,
        box.Width / imageWidth,
        box.Height / imageHeight);

    /// <summary>One line of a YOLO label file: <c>class cx cy w h</c>, six decimals, invariant culture.</summary>
    public string ToLine() => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"{ClassId} {CentreX:0.000000} {CentreY:0.000000} {Width:0.000000} {Height:0.000000}");
}
