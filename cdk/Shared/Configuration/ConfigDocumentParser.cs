using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace EdgeMlOps.Cdk.Shared.Configuration;

/// <summary>
/// Turns the text of a configuration file into a YAML mapping, or into problems that name the file, the line and
/// the key, without letting a hostile or broken file crash the process. Before YamlDotNet builds its node tree the
/// file is walked once as a stream of parser events, which bounds the nesting depth (the tree builder recurses, so
/// 50,000 '[' overflowed the stack), refuses aliases (billion laughs), finds duplicate keys with both lines, refuses
/// CDK token strings, and turns the parser's own failures (including its InvalidOperationException on an unclosed
/// flow sequence) into a position.
/// </summary>
internal static class ConfigDocumentParser
{
    /// <summary>Largest file accepted; a real environment file is about 3 KB.</summary>
    public const int MaxFileBytes = 1024 * 1024;

    /// <summary>Deepest nesting accepted; the schema needs 3 levels (e.g. edge.healthGate.soakMinutes).</summary>
    public const int MaxNestingDepth = 32;

    private const string TokenMarker = "${Token[";

    /// <summary>Decodes strict UTF-8 (a byte-order mark is skipped), reporting the first invalid byte's line.</summary>
    public static string DecodeUtf8(byte[] bytes, string fileName)
    {
        if (bytes.Length > MaxFileBytes)
        {
            throw Fail(fileName, $"is {bytes.Length:N0} bytes; a configuration file may hold at most {MaxFileBytes:N0} bytes");
        }

        var start = bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        var span = bytes.AsSpan(start);
        var offset = 0;
        while (offset < span.Length)
        {
            if (System.Text.Rune.DecodeFromUtf8(span[offset..], out _, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                var line = 1 + span[..offset].Count((byte)'\n');
                throw Fail(fileName, $"is not UTF-8 text: byte 0x{span[offset]:X2} at line {line} (byte offset {start + offset}) is not valid UTF-8; save the file as UTF-8");
            }

            offset += consumed;
        }

        return Encoding.UTF8.GetString(span);
    }

    /// <summary>The top-level mapping of <paramref name="text"/>; throws <see cref="ConfigurationException"/> otherwise.</summary>
    public static YamlMappingNode Parse(string text, string fileName)
    {
        if (text.Length > MaxFileBytes)
        {
            throw Fail(fileName, $"holds {text.Length:N0} characters; a configuration file may hold at most {MaxFileBytes:N0}");
        }

        var problems = new ConfigProblems(fileName);
        Scan(text, problems);
        if (problems.All.Count > 0)
        {
            throw new ConfigurationException(problems.All);
        }

        YamlNode? root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            root = stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
        }
        catch (YamlException e)
        {
            // The scan accepted the file, so this is unexpected; still a message, not a stack trace.
            throw Fail(fileName, $"not valid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message}");
        }

        return root switch
        {
            YamlMappingNode mapping => mapping,
            null or YamlScalarNode { Value: null or "" or "~" or "null" } =>
                throw Fail(fileName, "is empty; it must be a YAML mapping of keys (at least account, region, namePrefix, sourceRepository and labeling)"),
            _ => throw Fail(fileName, $"must be a YAML mapping of keys at the top level, got {SettingsReader.Describe(root)}"),
        };
    }

    private static void Scan(string text, ConfigProblems problems)
    {
        var frames = new Stack<Frame>();
        var parser = new Parser(new StringReader(text));
        var lastEnd = Mark.Empty;
        var documents = 0;
        try
        {
            while (parser.MoveNext())
            {
                var current = parser.Current!;
                lastEnd = current.End;
                switch (current)
                {
                    case DocumentStart:
                        if (++documents == 2)
                        {
                            problems.Add($"line {current.Start.Line}: holds a second YAML document ('---'); a configuration file holds one");
                        }

                        break;
                    case SequenceEnd or MappingEnd:
                        frames.Pop();
                        break;
                    case NodeEvent or AnchorAlias:
                        if (!Visit(current, frames, problems))
                        {
                            return;
                        }

                        break;
                }
            }
        }
        catch (YamlException e)
        {
            problems.Add(DescribeSyntaxError(text, e.Start, e.Message, frames));
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's scanner throws this without a position on some unterminated input (e.g. "epochs: [50").
            problems.Add(DescribeSyntaxError(text, lastEnd, e.Message, frames));
        }
    }

    // Handles one node event; false stops the scan (nesting too deep: going on could only repeat the message).
    private static bool Visit(ParsingEvent node, Stack<Frame> frames, ConfigProblems problems)
    {
        var parent = frames.Count == 0 ? null : frames.Peek();
        if (parent is { IsMapping: true, ExpectKey: true })
        {
            parent.ExpectKey = false;
            if (node is not Scalar keyScalar)
            {
                problems.Add($"line {node.Start.Line}, column {node.Start.Column}: {(parent.Path.Length == 0 ? "a key" : $"a key of {parent.Path}")} must be a plain name, not a list, mapping or alias");
                parent.PendingKey = "?";
                return PushIfCollection(node, parent.Path, frames, problems);
            }

            var key = keyScalar.Value;
            if (parent.KeyLines.TryGetValue(key, out var firstLine))
            {
                problems.Add($"{Join(parent.Path, key)} is written twice (lines {firstLine} and {node.Start.Line}); each key may appear once");
            }
            else
            {
                parent.KeyLines[key] = node.Start.Line;
            }

            parent.PendingKey = key;
            return true;
        }

        var path = parent switch
        {
            null => string.Empty,
            { IsMapping: true } => Join(parent.Path, parent.PendingKey ?? "?"),
            _ => $"{parent.Path}[{parent.Index}]",
        };
        if (parent is not null)
        {
            if (parent.IsMapping)
            {
                parent.ExpectKey = true;
            }
            else
            {
                parent.Index++;
            }
        }

        switch (node)
        {
            case AnchorAlias alias:
                problems.Add($"{Named(path)} is an alias (*{alias.Value}) at line {node.Start.Line}; aliases are not allowed in configuration files, write the value out");
                return true;
            case Scalar scalar when scalar.Value.Contains(TokenMarker, StringComparison.Ordinal):
                problems.Add($"{Named(path)} must be a literal value, not a CDK token, got {SettingsReader.Quote(scalar.Value)} (line {node.Start.Line})");
                return true;
            default:
                return PushIfCollection(node, path, frames, problems);
        }
    }

    private static bool PushIfCollection(ParsingEvent node, string path, Stack<Frame> frames, ConfigProblems problems)
    {
        if (node is not (SequenceStart or MappingStart))
        {
            return true;
        }

        if (frames.Count >= MaxNestingDepth)
        {
            problems.Add($"{Named(path)} is nested more than {MaxNestingDepth} levels deep at line {node.Start.Line}, column {node.Start.Column}; configuration keys are at most 3 levels deep");
            return false;
        }

        var flow = node is SequenceStart { Style: SequenceStyle.Flow } || node is MappingStart { Style: MappingStyle.Flow };
        frames.Push(new Frame(node is MappingStart, flow, node.Start, path));
        return true;
    }

    private static string DescribeSyntaxError(string text, Mark at, string parserMessage, Stack<Frame> frames)
    {
        // The parser reports a tab in the indentation at the start of the enclosing block (often line 1): name the line.
        var tabLine = FirstTabIndentedLine(text);
        if (tabLine > 0)
        {
            return $"not valid YAML at line {tabLine}, column 1: indented with a tab; YAML indents with spaces only";
        }

        // The outermost open flow collection is the one left unclosed; inner ones are what the parser made of the lines after it.
        var openFlow = frames.LastOrDefault(f => f.Flow);
        if (openFlow is not null)
        {
            var bracket = openFlow.IsMapping ? "{" : "[";
            var closing = openFlow.IsMapping ? "}" : "]";
            return $"not valid YAML at line {at.Line}, column {at.Column}: {Named(openFlow.Path)} opens '{bracket}' at line {openFlow.Start.Line}, column {openFlow.Start.Column} without a matching '{closing}'";
        }

        return $"not valid YAML at line {at.Line}, column {at.Column}: {parserMessage}";
    }

    private static int FirstTabIndentedLine(string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var indent = line.Length - line.TrimStart(' ', '\t').Length;
            if (line[..indent].Contains('\t', StringComparison.Ordinal) && indent < line.Length && line[indent] != '#')
            {
                return i + 1;
            }
        }

        return 0;
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    private static string Named(string path) => path.Length == 0 ? "the document" : path;

    private static ConfigurationException Fail(string fileName, string message) => new([$"{fileName}: {message}"]);

    private sealed class Frame(bool isMapping, bool flow, Mark start, string path)
    {
        public bool IsMapping { get; } = isMapping;

        public bool Flow { get; } = flow;

        public Mark Start { get; } = start;

        public string Path { get; } = path;

        public bool ExpectKey { get; set; } = true;

        public string? PendingKey { get; set; }

        public int Index { get; set; }

        public Dictionary<string, long> KeyLines { get; } = new(StringComparer.Ordinal);
    }
}
