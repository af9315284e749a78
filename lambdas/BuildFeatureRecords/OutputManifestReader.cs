using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeMlOps.Contracts;
using EdgeMlOps.Labeling.Common;

namespace EdgeMlOps.Labeling.BuildFeatureRecords;

/// <summary>How to read a Ground Truth output manifest.</summary>
/// <param name="LabelAttributeName">Attribute of the bounding-box job (its <c>LabelAttributeName</c>).</param>
/// <param name="VerificationAttributeName">Attribute of the verification job, or null when verification did not run.</param>
/// <param name="ApprovingVerificationClass">Verification class name that approves a label; any other answer rejects it.</param>
/// <param name="ClassCount">Number of class labels; class ids must be below it.</param>
/// <param name="DefaultJobName">Job recorded when a line carries no <c>job-name</c> metadata.</param>
/// <param name="EventTime">Event time of every record, Unix seconds.</param>
public sealed record OutputManifestOptions(
    string LabelAttributeName,
    string? VerificationAttributeName,
    string ApprovingVerificationClass,
    int ClassCount,
    string DefaultJobName,
    double EventTime);

/// <summary>
/// Turns the lines of a Ground Truth bounding-box (or verification) output manifest into label records. A line
/// that does not parse, lacks its label, has boxes of unknown classes or outside the image, or lacks its
/// verification answer is skipped and counted with the reason: it never becomes an APPROVED label.
/// </summary>
public static class OutputManifestReader
{
    public static IReadOnlyList<LabelRecord> Read(TextReader manifest, OutputManifestOptions options, SkipTally skipped)
    {
        var labels = new Dictionary<string, LabelRecord>(StringComparer.Ordinal);
        var lineNumber = 0;
        string? line;
        while ((line = manifest.ReadLine()) is not null)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (TryReadLine(line, lineNumber, options, skipped) is { } label)
            {
                // A repeated image keeps its last line, as Ground Truth's own consolidation does.
                labels[label.SourceRef] = label;
            }
        }

        return labels.Values.ToList();
    }

    private static LabelRecord? TryReadLine(string line, int lineNumber, OutputManifestOptions options, SkipTally skipped)
    {
        var where = $"line {lineNumber}";
        JsonObject? item;
        try
        {
            item = JsonNode.Parse(line) as JsonObject;
        }
        catch (JsonException e)
        {
            skipped.Add(where, SkipReasons.MalformedManifestLine, e.Message);
            return null;
        }

        if (item is null)
        {
            skipped.Add(where, SkipReasons.MalformedManifestLine, "line is not a JSON object");
            return null;
        }

        var sourceRef = StringOf(item["source-ref"]);
        if (sourceRef is null || !S3Uri.TryParse(sourceRef, out _))
        {
            skipped.Add(where, SkipReasons.MissingSourceRef, "no source-ref with an s3:// URI");
            return null;
        }

        if (ReadLabel(item[options.LabelAttributeName], sourceRef, options, skipped) is not { } parsed)
        {
            return null;
        }

        var status = LabelStatus.Approved;
        if (options.VerificationAttributeName is { } verification)
        {
            var answer = StringOf(MetadataOf(item, verification)?["class-name"]);
            if (item[verification] is null || answer is null)
            {
                skipped.Add(sourceRef, SkipReasons.MissingVerification, $"no '{verification}' answer with a class-name");
                return null;
            }

            status = string.Equals(answer, options.ApprovingVerificationClass, StringComparison.OrdinalIgnoreCase)
                ? LabelStatus.Approved
                : LabelStatus.Rejected;
        }

        var jobName = StringOf(MetadataOf(item, options.LabelAttributeName)?["job-name"]) ?? options.DefaultJobName;
        return new LabelRecord(sourceRef, parsed.Width, parsed.Height, parsed.Depth, parsed.Boxes, options.EventTime, jobName, status);
    }

    private sealed record ParsedLabel(int Width, int Height, int Depth, IReadOnlyList<BoundingBox> Boxes);

    private static ParsedLabel? ReadLabel(JsonNode? labelNode, string sourceRef, OutputManifestOptions options, SkipTally skipped)
    {
        if (labelNode is null)
        {
            skipped.Add(sourceRef, SkipReasons.MissingLabel, $"no '{options.LabelAttributeName}' attribute (the object was not labeled)");
            return null;
        }

        JsonObject? label;
        try
        {
            // Some tools write the label as a JSON string rather than an object; both are accepted.
            label = labelNode is JsonValue value && value.TryGetValue<string>(out var text)
                ? JsonNode.Parse(text) as JsonObject
                : labelNode as JsonObject;
        }
        catch (JsonException e)
        {
            skipped.Add(sourceRef, SkipReasons.MalformedAnnotation, e.Message);
            return null;
        }

        if (label is null)
        {
            skipped.Add(sourceRef, SkipReasons.MalformedAnnotation, "label is not a JSON object");
            return null;
        }

        var size = (label["image_size"] as JsonArray)?.FirstOrDefault() as JsonObject;
        var width = IntOf(size?["width"]);
        var height = IntOf(size?["height"]);
        var depth = IntOf(size?["depth"]);
        if (width is not > 0 || height is not > 0 || depth is not > 0)
        {
            skipped.Add(sourceRef, SkipReasons.InvalidImageSize, "image_size needs positive integer width, height and depth");
            return null;
        }

        if (label["annotations"] is not JsonArray annotations)
        {
            skipped.Add(sourceRef, SkipReasons.MalformedAnnotation, "annotations is not a list");
            return null;
        }

        var boxes = new List<BoundingBox>(annotations.Count);
        foreach (var node in annotations)
        {
            BoundingBox box;
            try
            {
                box = node.Deserialize<BoundingBox>();
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
            {
                skipped.Add(sourceRef, SkipReasons.MalformedAnnotation, $"box does not parse: {e.Message}");
                return null;
            }

            if (box.ClassId < 0 || box.ClassId >= options.ClassCount)
            {
                skipped.Add(sourceRef, SkipReasons.UnknownClass, $"class_id {box.ClassId} is not one of the {options.ClassCount} classes");
                return null;
            }

            if (!box.FitsInside(width.Value, height.Value))
            {
                skipped.Add(sourceRef, SkipReasons.BoxOutsideImage, $"{box} is not inside the {width}x{height} image");
                return null;
            }

            boxes.Add(box);
        }

        return new ParsedLabel(width.Value, height.Value, depth.Value, boxes);
    }

    private static JsonObject? MetadataOf(JsonObject item, string attribute) => item[$"{attribute}-metadata"] as JsonObject;

    private static string? StringOf(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static int? IntOf(JsonNode? node)
    {
        if (node is not JsonValue value)
        {
            return null;
        }

        if (value.TryGetValue<int>(out var i))
        {
            return i;
        }

        return value.TryGetValue<double>(out var d) && d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue
            ? (int)d
            : value.TryGetValue<string>(out var s) && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) ? p : null;
    }
}
