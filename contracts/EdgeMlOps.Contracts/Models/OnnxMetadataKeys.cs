namespace EdgeMlOps.Contracts;

/// <summary>
/// Custom metadata keys of an exported YOLOv8 ONNX model (what ultralytics' export writes; the training pipeline's
/// export passes <see cref="ImageSize"/>, the component reads the class names and input size from the file).
/// </summary>
public static class OnnxMetadataKeys
{
    /// <summary>Class names by id, a Python dict literal such as <c>{0: 'scratch', 1: 'dent'}</c>.</summary>
    public const string Names = "names";

    /// <summary>Input size, <c>[640, 640]</c> as [height, width], or a single <c>640</c>.</summary>
    public const string ImageSize = "imgsz";

    public const string Stride = "stride";

    /// <summary>The model's task, <c>detect</c> for object detection.</summary>
    public const string Task = "task";

    public const string Version = "version";

    public const string Description = "description";

    /// <summary>The keys the component reads from a model file.</summary>
    public static IReadOnlyList<string> All { get; } = [Names, ImageSize, Stride, Task, Version, Description];
}
