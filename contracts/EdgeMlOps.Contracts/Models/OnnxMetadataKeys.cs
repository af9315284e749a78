namespace EdgeMlOps.Contracts;

/// <summary>
/// Custom metadata keys of an exported YOLOv8 ONNX model (what ultralytics' export writes; the training pipeline's
/// export passes <see cref="ImageSize"/>, the component reads the class names and input size from the file).
/// </summary>
public static class OnnxMetadataKeys
{
    /// <summary>
    /// Class names by id as ultralytics' exporter writes it, <c>str()</c> of a Python dict such as
    /// <c>{0: 'scratch', 1: 'dent'}</c> (train.py keeps that form; the component also reads JSON).
    /// </summary>
    public const string Names = "names";

    /// <summary>Class names in class-id order as a JSON list, <c>["scratch", "dent"]</c>; added by train.py.</summary>
    public const string ClassNames = "class_names";

    /// <summary>Input size, <c>[640, 640]</c> as [height, width], or a single <c>640</c>.</summary>
    public const string ImageSize = "imgsz";

    public const string Stride = "stride";

    /// <summary>The model's task, <c>detect</c> for object detection.</summary>
    public const string Task = "task";

    public const string Version = "version";

    public const string Description = "description";

    /// <summary>The model's drift baseline (<see cref="DriftBaseline"/> as JSON), added by evaluate.py; optional.</summary>
    public const string DriftBaseline = "edgemlops_drift_baseline";

    /// <summary>The keys the component reads from a model file.</summary>
    public static IReadOnlyList<string> All { get; } = [Names, ClassNames, ImageSize, Stride, Task, Version, Description, DriftBaseline];
}
