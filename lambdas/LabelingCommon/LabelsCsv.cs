using System.Globalization;
using System.Text.Json;

namespace EdgeMlOps.Labeling.Common;

/// <summary>
/// Reads a label table exported as CSV (columns <c>source_ref, image_width, image_height, image_depth,
/// annotations, event_time, labeling_job, status</c>; annotations as a Python-style list of dicts, as the
/// sample project's exports write them) into <see cref="LabelRecord"/>s.
/// </summary>
public static class LabelsCsv
{
    private static readonly string[] ExpectedHeader =
    [
        LabelFeatures.SourceRef, LabelFeatures.ImageWidth, LabelFeatures.ImageHeight, LabelFeatures.ImageDepth,
        LabelFeatures.Annotations, LabelFeatures.EventTime, LabelFeatures.LabelingJob, LabelFeatures.Status,
    ];

    /// <exception cref="FormatException">The header differs or a row does not parse (the message names the line).</exception>
    public static IReadOnlyList<LabelRecord> Read(TextReader reader)
    {
        var labels = new List<LabelRecord>();
        var row = 0;
        foreach (var fields in CsvLines.Parse(reader))
        {
            row++;
            if (row == 1)
            {
                if (!fields.SequenceEqual(ExpectedHeader))
                {
                    throw new FormatException($"header must be {string.Join(',', ExpectedHeader)}, got {string.Join(',', fields)}");
                }

                continue;
            }

            try
            {
                labels.Add(ParseRow(fields));
            }
            catch (Exception e) when (e is FormatException or JsonException)
            {
                throw new FormatException($"row {row}: {e.Message}", e);
            }
        }

        return labels;
    }

    private static LabelRecord ParseRow(IReadOnlyList<string> f)
    {
        if (f.Count != ExpectedHeader.Length)
        {
            throw new FormatException($"expected {ExpectedHeader.Length} fields, got {f.Count}");
        }

        // The export writes Python reprs: single-quoted keys and no string values, so swapping quotes gives JSON.
        var boxes = JsonSerializer.Deserialize<List<BoundingBox>>(f[4].Replace('\'', '"'))
            ?? throw new FormatException("annotations is null");
        return new LabelRecord(
            f[0],
            int.Parse(f[1], CultureInfo.InvariantCulture),
            int.Parse(f[2], CultureInfo.InvariantCulture),
            int.Parse(f[3], CultureInfo.InvariantCulture),
            boxes,
            double.Parse(f[5], NumberStyles.Float, CultureInfo.InvariantCulture),
            f[6],
            LabelStatusText.Parse(f[7]));
    }
}
