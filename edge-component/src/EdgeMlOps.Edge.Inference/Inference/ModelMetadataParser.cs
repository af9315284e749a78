using EdgeMlOps.Contracts;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace EdgeMlOps.Edge.Inference.Inference;

/// <summary>Parses the custom metadata of exported ONNX models: ultralytics' own form, and JSON.</summary>
public static partial class ModelMetadataParser
{
    /// <summary>Metadata key of the class names by id (ultralytics writes it), from the contracts.</summary>
    public const string NamesKey = OnnxMetadataKeys.Names;

    /// <summary>Metadata key of the class names as a JSON list in class-id order (train.py adds it); OnnxMetadataKeys.ClassNames.</summary>
    public const string ClassNamesKey = OnnxMetadataKeys.ClassNames;

    /// <summary>
    /// Class names by id from a model's metadata: <c>names</c> in any form <see cref="ParseNames"/> reads, else the
    /// <c>class_names</c> list. Null when neither holds a name.
    /// </summary>
    public static IReadOnlyDictionary<int, string>? ParseClassNames(IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return ParseNames(metadata.GetValueOrDefault(NamesKey)) ?? ParseNames(metadata.GetValueOrDefault(ClassNamesKey));
    }

    /// <summary>
    /// Parses class names by id from <c>names</c> as ultralytics' exporter writes it (<c>str()</c> of a Python dict:
    /// <c>{0: 'scratch', 1: "dent"}</c>), as JSON (<c>{"0": "scratch"}</c>), or as a JSON list in class-id order
    /// (<c>["scratch", "dent"]</c>, the <c>class_names</c> form). Returns null when the text holds no entries.
    /// </summary>
    public static IReadOnlyDictionary<int, string>? ParseNames(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var names = ParseJson(text) ?? ParsePythonDict(text);
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

    private static Dictionary<int, string> ParsePythonDict(string text)
    {
        var names = new Dictionary<int, string>();
        foreach (Match match in NameEntry().Matches(text))
        {
            var id = int.Parse(match.Groups["id"].Value, CultureInfo.InvariantCulture);
            var name = match.Groups["single"].Success ? match.Groups["single"].Value : match.Groups["double"].Value;
            names[id] = Regex.Unescape(name);
        }

        return names;
    }

    // JSON only when the whole text is JSON of the expected shape: a Python literal ({0: 'a'}) is not JSON, and a
    // JSON object whose keys are not class ids is not names.
    private static Dictionary<int, string>? ParseJson(string text)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }

        using (document)
        {
            var names = new Dictionary<int, string>();
            switch (document.RootElement.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in document.RootElement.EnumerateObject())
                    {
                        if (!int.TryParse(property.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ||
                            property.Value.ValueKind != JsonValueKind.String)
                        {
                            return null;
                        }

                        names[id] = property.Value.GetString()!;
                    }

                    return names;
                case JsonValueKind.Array:
                    var index = 0;
                    foreach (var element in document.RootElement.EnumerateArray())
                    {
                        if (element.ValueKind != JsonValueKind.String)
                        {
                            return null;
                        }

                        names[index++] = element.GetString()!;
                    }

                    return names;
                default:
                    return null;
            }
        }
    }

    [GeneratedRegex(@"(?<id>\d+)\s*:\s*(?:'(?<single>(?:[^'\\]|\\.)*)'|""(?<double>(?:[^""\\]|\\.)*)"")")]
    private static partial Regex NameEntry();

    [GeneratedRegex(@"\d+")]
    private static partial Regex Number();
}
