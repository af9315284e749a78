using System.Globalization;
using System.Text.RegularExpressions;

namespace EdgeMlOps.Edge.Inference.Inference;

/// <summary>Parses the custom metadata ultralytics writes into exported ONNX models.</summary>
public static partial class ModelMetadataParser
{
    /// <summary>
    /// Parses <c>names</c>, a Python dict literal such as <c>{0: 'scratch', 1: "dent"}</c>, into class names by id.
    /// Returns null when the text holds no entries.
    /// </summary>
    public static IReadOnlyDictionary<int, string>? ParseNames(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var names = new Dictionary<int, string>();
        foreach (Match match in NameEntry().Matches(text))
        {
            var id = int.Parse(match.Groups["id"].Value, CultureInfo.InvariantCulture);
            var name = match.Groups["single"].Success ? match.Groups["single"].Value : match.Groups["double"].Value;
            names[id] = Regex.Unescape(name);
        }

        return names.Count == 0 ? null : names;
    }

    /// <summary>Parses <c>imgsz</c> (<c>[640, 640]</c> as [height, width], or a single <c>640</c>).</summary>
    public static (int Height, int Width)? ParseImageSize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var numbers = Number().Matches(text).Select(m => int.Parse(m.Value, CultureInfo.InvariantCulture)).ToList();
        return numbers.Count switch
        {
            1 when numbers[0] > 0 => (numbers[0], numbers[0]),
            2 when numbers[0] > 0 && numbers[1] > 0 => (numbers[0], numbers[1]),
            _ => null,
        };
    }

    [GeneratedRegex(@"(?<id>\d+)\s*:\s*(?:'(?<single>(?:[^'\\]|\\.)*)'|""(?<double>(?:[^""\\]|\\.)*)"")")]
    private static partial Regex NameEntry();

    [GeneratedRegex(@"\d+")]
    private static partial Regex Number();
}
