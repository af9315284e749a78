using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace EdgeMlOps.Testing.StateMachines;

/// <summary>
/// ASL reference paths (<c>$</c>, <c>$.a.b</c>, <c>$.a[0]</c>, <c>$$.Map.Item.Value</c>) and payload templates
/// (<c>"key.$": "path"</c>) evaluated in C#, for the parts of a Distributed Map the harness runs itself (ItemsPath,
/// ItemSelector, ItemReader parameters, MaxConcurrencyPath). Intrinsic functions are refused with a clear message.
/// </summary>
internal static partial class ReferencePath
{
    /// <summary>The value at a path in the input (<c>$</c>) or the context object (<c>$$</c>).</summary>
    /// <exception cref="StateMachineHarnessException">The path is not a reference path, or it selects nothing.</exception>
    public static JsonNode? Read(string path, JsonNode? input, JsonNode? context, string where)
    {
        if (path.StartsWith("States.", StringComparison.Ordinal))
        {
            throw new StateMachineHarnessException($"{where}: intrinsic functions are not supported here by the harness ('{path}').");
        }

        JsonNode? current;
        string rest;
        if (path.StartsWith("$$", StringComparison.Ordinal))
        {
            current = context;
            rest = path[2..];
        }
        else if (path.StartsWith('$'))
        {
            current = input;
            rest = path[1..];
        }
        else
        {
            throw new StateMachineHarnessException($"{where}: '{path}' is not a reference path.");
        }

        foreach (Match step in Step().Matches(rest))
        {
            if (step.Groups["name"].Success)
            {
                current = current is JsonObject o && o.TryGetPropertyValue(step.Groups["name"].Value, out var value)
                    ? value
                    : throw new StateMachineHarnessException($"{where}: the path '{path}' selects nothing (no '{step.Groups["name"].Value}').");
            }
            else
            {
                var index = int.Parse(step.Groups["index"].Value, System.Globalization.CultureInfo.InvariantCulture);
                current = current is JsonArray a && index < a.Count
                    ? a[index]
                    : throw new StateMachineHarnessException($"{where}: the path '{path}' selects nothing (no item {index}).");
            }
        }

        return current?.DeepClone();
    }

    /// <summary>A payload template (ItemSelector, Parameters) with every <c>"key.$"</c> replaced by its value.</summary>
    public static JsonNode? Apply(JsonNode? template, JsonNode? input, JsonNode? context, string where)
    {
        switch (template)
        {
            case JsonObject obj:
                var result = new JsonObject();
                foreach (var (key, value) in obj)
                {
                    if (key.EndsWith(".$", StringComparison.Ordinal))
                    {
                        var path = value?.GetValue<string>() ?? "";
                        result[key[..^2]] = Read(path, input, context, $"{where}.{key}");
                    }
                    else
                    {
                        result[key] = Apply(value, input, context, $"{where}.{key}");
                    }
                }

                return result;
            case JsonArray array:
                return new JsonArray([.. array.Select((item, i) => Apply(item, input, context, $"{where}[{i}]"))]);
            default:
                return template?.DeepClone();
        }
    }

    [GeneratedRegex(@"\.(?<name>[^.\[]+)|\['(?<name>[^']+)'\]|\[(?<index>\d+)\]")]
    private static partial Regex Step();
}
