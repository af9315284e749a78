using Amazon.CDK;
using Constructs;

namespace EdgeMlOps.Cdk.Shared.Constructs;

/// <summary>
/// Waives one cfn-guard rule on one resource, with the reason the quality gate requires.
/// The Control Tower rules have no suppression of their own; the gate reads this metadata.
/// </summary>
public static class GuardSuppressions
{
    private const string MetadataKey = "guard";

    // The metadata is rewritten whole on each call; this keeps what was added so far, per resource path.
    private static readonly Dictionary<string, SortedDictionary<string, string>> Added = new(StringComparer.Ordinal);

    public static void Add(IConstruct construct, string ruleName, string reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new ArgumentException($"A suppression of {ruleName} needs a reason.", nameof(reason));
        }

        var resource = construct as CfnResource
            ?? construct.Node.DefaultChild as CfnResource
            ?? throw new ArgumentException($"{construct.Node.Path} is not a CloudFormation resource.", nameof(construct));

        SortedDictionary<string, string> reasons;
        lock (Added)
        {
            if (!Added.TryGetValue(resource.Node.Path, out reasons!))
            {
                reasons = new SortedDictionary<string, string>(StringComparer.Ordinal);
                Added[resource.Node.Path] = reasons;
            }

            reasons[ruleName] = reason;
        }

        resource.AddMetadata(MetadataKey, new Dictionary<string, object>
        {
            ["SuppressedRules"] = reasons.Keys.Cast<object>().ToArray(),
            ["Reasons"] = reasons.ToDictionary(kv => kv.Key, kv => (object)kv.Value),
        });
    }
}
