using System.Text.Json.Nodes;
using EdgeMlOps.QualityGates.Templates;

namespace EdgeMlOps.QualityGates.Guard;

/// <summary>
/// Reads the suppression convention on a resource:
/// <c>"Metadata": {"guard": {"SuppressedRules": ["rule"], "Reasons": {"rule": "why"}}}</c>.
/// A rule listed without a non-empty reason waives nothing and is reported as a failure of its own.
/// </summary>
public sealed record GuardSuppressionEntry(string Rule, string? Reason)
{
    public bool HasReason => !string.IsNullOrWhiteSpace(Reason);

    /// <summary>Listed by rule name (<c>s3_bucket_default_encryption_kms_check</c>) or by control id (<c>CT.S3.PR.10</c>).</summary>
    public bool Covers(string rule, string message) =>
        string.Equals(Rule, rule, StringComparison.OrdinalIgnoreCase)
        || message.StartsWith($"[{Rule}]", StringComparison.OrdinalIgnoreCase);

    public static IReadOnlyList<GuardSuppressionEntry> Read(TemplateResource resource)
    {
        if (resource.Metadata["guard"] is not JsonObject guard)
        {
            return [];
        }

        var reasons = guard["Reasons"] as JsonObject ?? [];
        return Intrinsics.Strings(guard["SuppressedRules"])
            .Select(rule => new GuardSuppressionEntry(rule, reasons[rule] is JsonValue r && r.TryGetValue<string>(out var reason) ? reason : null))
            .ToList();
    }
}
