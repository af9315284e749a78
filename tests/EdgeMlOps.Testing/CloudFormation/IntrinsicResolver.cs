using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace EdgeMlOps.Testing.CloudFormation;

/// <summary>
/// Evaluates CloudFormation intrinsic functions the way a deployment would, with deterministic fake identifiers
/// (<see cref="FakeAws"/>): <c>Ref</c>, <c>Fn::GetAtt</c>, <c>Fn::Join</c>, <c>Fn::Sub</c>, <c>Fn::Select</c>,
/// <c>Fn::Split</c>, <c>Fn::FindInMap</c>, <c>Fn::GetAZs</c>, <c>Fn::Base64</c>, pseudo parameters and SSM dynamic
/// references (<c>{{resolve:ssm:name}}</c>). <c>Fn::ImportValue</c> is refused: apps must not import exports.
/// </summary>
public sealed partial class IntrinsicResolver
{
    private readonly CloudFormationTemplate _template;
    private readonly IReadOnlyDictionary<string, string> _ssmParameters;
    private readonly IReadOnlyDictionary<string, string> _templateParameters;

    /// <summary>Creates a resolver.</summary>
    /// <param name="template">The template whose resources, parameters and mappings are referenced.</param>
    /// <param name="ssmParameters">Values of SSM parameters by name, for <c>{{resolve:ssm:name}}</c> and SSM-typed template
    /// parameters. Default for a name not listed: the literal Value of an AWS::SSM::Parameter with that Name in the
    /// template, else the placeholder <c>ssm:&lt;name&gt;</c>.</param>
    /// <param name="templateParameters">Values of template parameters. Default: each parameter's Default.</param>
    public IntrinsicResolver(
        CloudFormationTemplate template,
        IReadOnlyDictionary<string, string>? ssmParameters = null,
        IReadOnlyDictionary<string, string>? templateParameters = null)
    {
        ArgumentNullException.ThrowIfNull(template);
        _template = template;
        _ssmParameters = ssmParameters ?? new Dictionary<string, string>();
        _templateParameters = templateParameters ?? new Dictionary<string, string>();
    }

    /// <summary>Resolves a value that must end up a string.</summary>
    /// <param name="value">A literal or an intrinsic function object.</param>
    /// <param name="path">Where the value sits in the template, for error messages.</param>
    public string ResolveString(JsonNode? value, string path) => AsString(Resolve(value, path), path);

    /// <summary>
    /// Resolves every intrinsic inside a value (objects and arrays recursively). The result contains only literals.
    /// </summary>
    public JsonNode Resolve(JsonNode? value, string path)
    {
        switch (value)
        {
            case null:
                throw new TemplateResolutionException($"{path}: null cannot be resolved.");
            case JsonValue literal when literal.GetValueKind() == JsonValueKind.String:
                return JsonValue.Create(ResolveDynamicReferences(literal.GetValue<string>(), path));
            case JsonValue literal:
                return literal.DeepClone();
            case JsonArray array:
                return new JsonArray([.. array.Select((item, i) => Resolve(item, $"{path}[{i}]"))]);
            case JsonObject { Count: 1 } function when IsIntrinsic(function.First().Key):
                var (name, argument) = (function.First().Key, function.First().Value);
                return ResolveFunction(name, argument, $"{path}.{name}");
            case JsonObject obj:
                var resolved = new JsonObject();
                foreach (var (key, item) in obj)
                {
                    resolved[key] = Resolve(item, $"{path}.{key}");
                }

                return resolved;
            default:
                throw new TemplateResolutionException($"{path}: unexpected JSON node {value.GetType().Name}.");
        }
    }

    private static bool IsIntrinsic(string key) => key == "Ref" || key.StartsWith("Fn::", StringComparison.Ordinal);

    private JsonNode ResolveFunction(string name, JsonNode? argument, string path) => name switch
    {
        "Ref" => JsonValue.Create(ResolveRef(AsString(argument, path), path)),
        "Fn::GetAtt" => JsonValue.Create(ResolveGetAtt(argument, path)),
        "Fn::Join" => JsonValue.Create(ResolveJoin(argument, path)),
        "Fn::Sub" => JsonValue.Create(ResolveSub(argument, path)),
        "Fn::Select" => ResolveSelect(argument, path),
        "Fn::Split" => ResolveSplit(argument, path),
        "Fn::FindInMap" => ResolveFindInMap(argument, path),
        "Fn::GetAZs" => new JsonArray("us-east-1a", "us-east-1b", "us-east-1c"),
        "Fn::Base64" => JsonValue.Create(Convert.ToBase64String(Encoding.UTF8.GetBytes(ResolveString(argument, path)))),
        "Fn::ImportValue" => throw new TemplateResolutionException(
            $"{path}: Fn::ImportValue is not allowed: apps must not depend on another stack's exports " +
            "(pass values through configuration or SSM parameters instead)."),
        _ => throw new TemplateResolutionException($"{path}: the intrinsic function {name} is not supported by the local harness."),
    };

    private string ResolveRef(string target, string path)
    {
        switch (target)
        {
            case "AWS::Region":
                return FakeAws.Region;
            case "AWS::AccountId":
                return FakeAws.AccountId;
            case "AWS::Partition":
                return FakeAws.Partition;
            case "AWS::URLSuffix":
                return FakeAws.UrlSuffix;
            case "AWS::StackName":
                return FakeAws.StackName;
            case "AWS::StackId":
                return FakeAws.Arn("cloudformation", $"stack/{FakeAws.StackName}/00000000-0000-0000-0000-000000000000");
            case "AWS::NoValue":
                throw new TemplateResolutionException($"{path}: AWS::NoValue is only meaningful inside Fn::If, which is not supported.");
        }

        if (_template.Root["Parameters"]?[target] is JsonObject parameter)
        {
            return ResolveTemplateParameter(target, parameter, path);
        }

        if (!_template.HasResource(target))
        {
            throw new TemplateResolutionException($"{path}: Ref to '{target}', which is neither a resource, a parameter nor a pseudo parameter.");
        }

        return FakeResourceIdentity.Ref(target, _template.ResourceType(target), prop => ExplicitName(target, prop));
    }

    private string ResolveTemplateParameter(string name, JsonObject parameter, string path)
    {
        if (_templateParameters.TryGetValue(name, out var given))
        {
            return given;
        }

        var value = parameter["Default"]?.ToString()
            ?? throw new TemplateResolutionException(
                $"{path}: template parameter '{name}' has no Default; give it a value in LocalStateMachineOptions.TemplateParameters.");
        var type = parameter["Type"]?.ToString() ?? "String";
        // An SSM-typed parameter's Default is a parameter name; CloudFormation substitutes the stored value.
        return type.StartsWith("AWS::SSM::Parameter::Value", StringComparison.Ordinal) ? SsmValue(value) : value;
    }

    private string ResolveGetAtt(JsonNode? argument, string path)
    {
        string logicalId, attribute;
        if (argument is JsonArray { Count: 2 } pair)
        {
            logicalId = AsString(pair[0], path);
            attribute = ResolveString(pair[1], path);
        }
        else if (argument is JsonValue dotted && dotted.ToString().Split('.', 2) is [var id, var attr])
        {
            (logicalId, attribute) = (id, attr);
        }
        else
        {
            throw new TemplateResolutionException($"{path}: Fn::GetAtt needs [LogicalId, Attribute].");
        }

        var type = _template.ResourceType(logicalId);
        if (type == "AWS::SSM::Parameter" && attribute is "Value" or "Type")
        {
            return ResolveString(_template.Properties(logicalId)[attribute], $"{logicalId}.Properties.{attribute}");
        }

        return FakeResourceIdentity.GetAtt(logicalId, type, attribute, prop => ExplicitName(logicalId, prop));
    }

    private string ResolveJoin(JsonNode? argument, string path)
    {
        if (argument is not JsonArray { Count: 2 } args)
        {
            throw new TemplateResolutionException($"{path}: Fn::Join needs [delimiter, [values]].");
        }

        var delimiter = AsString(args[0], path);
        var items = AsList(Resolve(args[1], path), path);
        return string.Join(delimiter, items);
    }

    private string ResolveSub(JsonNode? argument, string path)
    {
        string text;
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        if (argument is JsonArray { Count: 2 } args)
        {
            text = AsString(args[0], path);
            foreach (var (key, value) in args[1] as JsonObject ?? [])
            {
                variables[key] = ResolveString(value, $"{path}.{key}");
            }
        }
        else
        {
            text = AsString(argument, path);
        }

        var substituted = SubVariable().Replace(text, match =>
        {
            var expression = match.Groups[1].Value;
            if (expression.StartsWith('!'))
            {
                return "${" + expression[1..] + "}";
            }

            if (variables.TryGetValue(expression, out var variable))
            {
                return variable;
            }

            return expression.Split('.', 2) is [var id, var attribute] && !expression.StartsWith("AWS::", StringComparison.Ordinal)
                ? ResolveGetAtt(new JsonArray(id, attribute), path)
                : ResolveRef(expression, path);
        });
        return ResolveDynamicReferences(substituted, path);
    }

    private JsonNode ResolveSelect(JsonNode? argument, string path)
    {
        if (argument is not JsonArray { Count: 2 } args)
        {
            throw new TemplateResolutionException($"{path}: Fn::Select needs [index, [values]].");
        }

        var index = int.Parse(ResolveString(args[0], path), CultureInfo.InvariantCulture);
        var items = AsList(Resolve(args[1], path), path);
        if (index < 0 || index >= items.Count)
        {
            throw new TemplateResolutionException($"{path}: Fn::Select index {index} is outside a list of {items.Count}.");
        }

        return JsonValue.Create(items[index]);
    }

    private JsonArray ResolveSplit(JsonNode? argument, string path)
    {
        if (argument is not JsonArray { Count: 2 } args)
        {
            throw new TemplateResolutionException($"{path}: Fn::Split needs [delimiter, source].");
        }

        var delimiter = AsString(args[0], path);
        var source = ResolveString(args[1], path);
        return new JsonArray([.. source.Split(delimiter).Select(part => (JsonNode)JsonValue.Create(part))]);
    }

    private JsonNode ResolveFindInMap(JsonNode? argument, string path)
    {
        if (argument is not JsonArray { Count: 3 } args)
        {
            throw new TemplateResolutionException($"{path}: Fn::FindInMap needs [map, topKey, secondKey].");
        }

        var keys = args.Select((a, i) => ResolveString(a, $"{path}[{i}]")).ToArray();
        var value = _template.Root["Mappings"]?[keys[0]]?[keys[1]]?[keys[2]]
            ?? throw new TemplateResolutionException($"{path}: mapping {string.Join("/", keys)} does not exist.");
        return Resolve(value, path);
    }

    private string ResolveDynamicReferences(string text, string path)
    {
        if (!text.Contains("{{resolve:", StringComparison.Ordinal))
        {
            return text;
        }

        return DynamicReference().Replace(text, match => match.Groups["service"].Value switch
        {
            "ssm" or "ssm-secure" => SsmValue(match.Groups["name"].Value),
            var other => throw new TemplateResolutionException(
                $"{path}: dynamic reference '{match.Value}' ({other}) is not supported; use SSM parameters."),
        });
    }

    private string SsmValue(string name)
    {
        if (_ssmParameters.TryGetValue(name, out var value))
        {
            return value;
        }

        foreach (var logicalId in _template.LogicalIdsOfType("AWS::SSM::Parameter"))
        {
            var properties = _template.Properties(logicalId);
            if (properties["Name"] is JsonValue declared && declared.ToString() == name && properties["Value"] is JsonValue literal)
            {
                return literal.ToString();
            }
        }

        return $"ssm:{name}";
    }

    private string? ExplicitName(string logicalId, string property) =>
        _template.Properties(logicalId)[property] is { } name
            ? ResolveString(name, $"{logicalId}.Properties.{property}")
            : null;

    private static string AsString(JsonNode? node, string path) => node switch
    {
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        JsonValue value when value.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False =>
            value.ToJsonString(),
        _ => throw new TemplateResolutionException($"{path}: expected a string, got {node?.ToJsonString() ?? "null"}."),
    };

    private static List<string> AsList(JsonNode node, string path) =>
        node is JsonArray array
            ? [.. array.Select((item, i) => AsString(item, $"{path}[{i}]"))]
            : throw new TemplateResolutionException($"{path}: expected a list, got {node.ToJsonString()}.");

    [GeneratedRegex(@"\$\{([^}]+)\}")]
    private static partial Regex SubVariable();

    [GeneratedRegex(@"\{\{resolve:(?<service>[a-z-]+):(?<name>[^:}]+)(?::[^}]*)?\}\}")]
    private static partial Regex DynamicReference();
}
