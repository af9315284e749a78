using System.Text.Json.Nodes;

namespace EdgeMlOps.Edge.Component.Configuration;

/// <summary>What the command line asked for, besides settings.</summary>
public sealed record CommandLineOptions
{
    public required ComponentSettings Settings { get; init; }

    /// <summary>The --config file, watched for runtime changes; null when settings came from arguments only.</summary>
    public string? ConfigFile { get; init; }

    /// <summary>Demo mode: replay the folder once, as fast as possible, then print a summary and exit.</summary>
    public bool Demo { get; init; }

    /// <summary>Write result lines here instead of standard output.</summary>
    public string? ResultsFile { get; init; }

    public bool ShowHelp { get; init; }
}

/// <summary>
/// Parses arguments: <c>--config file.json</c> gives the base settings, and each <c>--key value</c> overrides one key
/// of the same flat JSON (see <see cref="Aliases"/>), so arguments and files are validated the same way.
/// </summary>
public static class CommandLine
{
    /// <summary>Short argument names for the most used keys.</summary>
    public static readonly IReadOnlyDictionary<string, string> Aliases = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--model"] = "modelPath",
        ["--images"] = "imagesPath",
        ["--thing-name"] = "thingName",
        ["--model-component-version"] = "modelComponentVersion",
        ["--model-package-version"] = "modelPackageVersion",
        ["--onnxruntime"] = "onnxRuntimeLibraryPath",
        ["--max-frames"] = "maxFrames",
        ["--interval-ms"] = "frameIntervalMs",
        ["--confidence"] = "confidenceThreshold",
        ["--iou"] = "iouThreshold",
        ["--max-detections"] = "maxDetections",
        ["--threads"] = "intraOpThreads",
        ["--health-interval"] = "healthIntervalSeconds",
        ["--source"] = "source",
        ["--results-topic"] = "resultsTopic",
        ["--health-topic"] = "healthTopic",
        ["--max-image-pixels"] = "maxImagePixels",
    };

    public const string Usage = """
        EdgeMlOps.Edge.Component — YOLOv8 inference on a folder of images, results as JSON.
          --model <file.onnx>        model to load (modelPath)
          --images <folder>          images to replay or watch (imagesPath)
          --config <file.json>       settings file (flat keys, see README); watched for runtime changes
          --demo                     replay the folder once as fast as possible, print a summary, exit
          --results-file <file>      write result lines to a file instead of standard output
          --no-loop                  stop after the folder's last image
          --no-pipelining            decode and infer strictly one after the other
          --set key=value            any other key, e.g. --set capture.sampleFraction=0.05
          --<alias> <value>          --thing-name --max-frames --interval-ms --confidence --iou --max-detections
                                     --threads --health-interval --source (Folder|Watch) --onnxruntime
                                     --model-component-version --model-package-version --max-image-pixels
        """;

    public static CommandLineOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var problems = new List<string>();
        JsonObject json = [];
        string? configFile = null;
        string? resultsFile = null;
        var demo = false;
        var help = false;
        var overrides = new List<(string Key, string Value)>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string Next()
            {
                if (i + 1 >= args.Count)
                {
                    problems.Add($"{arg} needs a value.");
                    return string.Empty;
                }

                return args[++i];
            }

            switch (arg)
            {
                case "--help" or "-h":
                    help = true;
                    break;
                case "--demo":
                    demo = true;
                    break;
                case "--no-loop":
                    overrides.Add(("loop", "false"));
                    break;
                case "--no-pipelining":
                    overrides.Add(("pipelining", "false"));
                    break;
                case "--config":
                    configFile = Next();
                    break;
                case "--results-file":
                    resultsFile = Next();
                    break;
                case "--set":
                    var pair = Next();
                    var eq = pair.IndexOf('=', StringComparison.Ordinal);
                    if (eq <= 0)
                    {
                        problems.Add($"--set expects key=value (got '{pair}').");
                    }
                    else
                    {
                        overrides.Add((pair[..eq], pair[(eq + 1)..]));
                    }

                    break;
                default:
                    if (Aliases.TryGetValue(arg, out var key))
                    {
                        overrides.Add((key, Next()));
                    }
                    else
                    {
                        problems.Add($"Unknown argument '{arg}'.");
                    }

                    break;
            }
        }

        if (configFile is not null)
        {
            try
            {
                json = JsonNode.Parse(File.ReadAllText(configFile), documentOptions: new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject
                    ?? throw new SettingsException($"--config '{configFile}' must hold a JSON object.");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
            {
                problems.Add($"--config '{configFile}' cannot be read: {ex.Message}");
            }
        }

        if (demo)
        {
            // Demo defaults, still overridable: one pass over the folder, no pauses.
            json["loop"] ??= false;
            json["frameIntervalMs"] ??= 0;
            json["healthIntervalSeconds"] ??= 3600;
        }

        foreach (var (key, value) in overrides)
        {
            SetPath(json, key, value);
        }

        if (problems.Count > 0)
        {
            throw new SettingsException(problems);
        }

        var settings = SettingsJson.ParseComponent(json);
        if (!help)
        {
            var invalid = settings.Validate();
            if (invalid.Count > 0)
            {
                throw new SettingsException(invalid);
            }
        }

        return new CommandLineOptions { Settings = settings, ConfigFile = configFile, Demo = demo, ResultsFile = resultsFile, ShowHelp = help };
    }

    /// <summary>Sets a dotted key ("capture.sampleFraction") to a value kept as text; parsing converts it.</summary>
    private static void SetPath(JsonObject root, string dottedKey, string value)
    {
        var parts = dottedKey.Split('.');
        var node = root;
        for (var p = 0; p < parts.Length - 1; p++)
        {
            if (node[parts[p]] is not JsonObject child)
            {
                child = [];
                node[parts[p]] = child;
            }

            node = child;
        }

        // Values stay text: numbers and booleans are read from strings by the parser, and a string key such as a
        // version "12" must not turn into a number.
        if (string.Equals(parts[^1], "classNames", StringComparison.OrdinalIgnoreCase))
        {
            // A recipe variable Greengrass left uninterpolated ("{model:configuration:/key}", the model component
            // lacks the key) or an empty value gives no names: the model's own metadata or class{id} apply.
            var names = value.StartsWith('{') && value.EndsWith('}') ? [] : value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            node[parts[^1]] = new JsonArray(names.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
            return;
        }

        node[parts[^1]] = JsonValue.Create(value);
    }
}
