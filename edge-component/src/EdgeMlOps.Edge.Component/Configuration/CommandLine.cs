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
    /// <summary>
    /// Short argument names for the most used keys, with their help text: the one table both the parser and
    /// <see cref="Usage"/> read, so the help cannot drift from what is accepted.
    /// </summary>
    public static readonly IReadOnlyList<CommandLineAlias> AliasTable =
    [
        new("--model", "modelPath", "<file.onnx>", "model to load"),
        new("--images", "imagesPath", "<folder>", "images to replay or watch"),
        new("--source", "source", "<Folder|Watch>", "replay the folder, or read each new file"),
        new("--thing-name", "thingName", "<name>", "device name in messages"),
        new("--model-component-version", "modelComponentVersion", "<version>", "reported in every message"),
        new("--model-package-version", "modelPackageVersion", "<version>", "reported in every message"),
        new("--onnxruntime", "onnxRuntimeLibraryPath", "<libonnxruntime.so>", "ONNX Runtime library (default: the packaged one)"),
        new("--max-frames", "maxFrames", "<n>", "stop after n frames (0 = never)"),
        new("--interval-ms", "frameIntervalMs", "<ms>", "pause between replayed frames"),
        new("--confidence", "confidenceThreshold", "<0-1>", "confidence threshold"),
        new("--iou", "iouThreshold", "<0-1>", "NMS IoU threshold"),
        new("--max-detections", "maxDetections", "<n>", "detections per frame"),
        new("--threads", "intraOpThreads", "<n>", "ONNX Runtime intra-op threads (0 = one per logical CPU)"),
        new("--health-interval", "healthIntervalSeconds", "<s>", "seconds between health messages"),
        new("--results-topic", "resultsTopic", "<topic>", "MQTT topic of results"),
        new("--health-topic", "healthTopic", "<topic>", "MQTT topic of health messages"),
        new("--max-image-pixels", "maxImagePixels", "<n>", "refuse JPEGs whose header declares more pixels"),
        new("--max-file-bytes", "maxFileBytes", "<n>", "refuse files larger than this before reading them"),
        new("--fast-dct", "fastDct", "<true|false>", "opt-in: TurboJPEG's fast DCT (default false: the accurate DCT of the training side)"),
        new("--dct-scaling", "dctScaling", "<true|false>", "opt-in: reduced-size JPEG decode of large frames (default false: full decode + bilinear letterbox)"),
        new("--acceptance-set", "acceptanceSet", "<acceptance.json>", "the model's acceptance set, run before serving (default: none)"),
        new("--acceptance-parity", "acceptanceParityThreshold", "<0-1>", "parity below which acceptance fails the model (default 0.9)"),
    ];

    /// <summary>Alias → settings key, from <see cref="AliasTable"/>.</summary>
    public static readonly IReadOnlyDictionary<string, string> Aliases = AliasTable.ToDictionary(a => a.Name, a => a.Key, StringComparer.Ordinal);

    /// <summary>The switches that are not settings keys (parsed in <see cref="Parse"/>), with their help text.</summary>
    public static readonly IReadOnlyList<(string Usage, string Help)> Switches =
    [
        ("--config <file.json>", "settings file (flat keys, see README); watched for runtime changes"),
        ("--demo", "replay the folder once as fast as possible, print a summary, exit"),
        ("--results-file <file>", "write result lines to a file instead of standard output"),
        ("--no-loop", "stop after the folder's last image (loop=false)"),
        ("--no-pipelining", "decode and infer strictly one after the other (pipelining=false)"),
        ("--set key=value", "any settings key, e.g. --set capture.sampleFraction=0.05"),
        ("--help, -h", "this text"),
    ];

    /// <summary>The --help text, generated from <see cref="Switches"/> and <see cref="AliasTable"/>.</summary>
    public static string Usage { get; } = BuildUsage();

    private static string BuildUsage()
    {
        var rows = Switches.Concat(AliasTable.Select(a => ($"{a.Name} {a.Value}", $"{a.Help} ({a.Key})"))).ToList();
        var width = rows.Max(r => r.Item1.Length) + 2;
        var text = new System.Text.StringBuilder("EdgeMlOps.Edge.Component — YOLOv8 inference on a folder of images, results as JSON.\n");
        foreach (var (usage, help) in rows)
        {
            text.Append("  ").Append(usage.PadRight(width)).Append(help).Append('\n');
        }

        return text.ToString();
    }

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

/// <summary>A short argument for one settings key: <c>--name value</c> sets <see cref="Key"/>.</summary>
public sealed record CommandLineAlias(string Name, string Key, string Value, string Help);
