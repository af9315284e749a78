using System.Text.Json;

namespace EdgeMlOps.Lambdas.PrepareYoloDataset;

/// <summary>
/// Parses the annotations text of a label: a JSON list of {class_id, top, left, height, width} in pixels,
/// as the offline store holds it, or the same written as a Python literal (single quotes), as in labels.csv.
/// </summary>
public static class AnnotationParser
{
    /// <summary>The boxes, or null when the text is not a list of such objects.</summary>
    public static IReadOnlyList<PixelBox>? TryParse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return TryParseJson(text) ?? TryParseJson(text.Replace('\'', '"'));
    }

    private static List<PixelBox>? TryParseJson(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var boxes = new List<PixelBox>();
            foreach (var item in document.RootElement.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object
                    || !TryNumber(item, "class_id", out var classId)
                    || classId != Math.Floor(classId)
                    || !TryNumber(item, "left", out var left)
                    || !TryNumber(item, "top", out var top)
                    || !TryNumber(item, "width", out var width)
                    || !TryNumber(item, "height", out var height))
                {
                    return null;
                }

                boxes.Add(new PixelBox((int)classId, left, top, width, height));
            }

            return boxes;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool TryNumber(JsonElement item, string name, out double value)
    {
        value = 0;
        return item.TryGetProperty(name, out var property) && property.ValueKind == JsonValueKind.Number && property.TryGetDouble(out value);
    }
}
