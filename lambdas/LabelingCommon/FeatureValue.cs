using System.Text.Json.Serialization;

namespace EdgeMlOps.Labeling.Common;

/// <summary>One feature of a Feature Store record, spelled as the <c>PutRecord</c> API's <c>Record</c> member wants it.</summary>
public sealed record FeatureValue(
    [property: JsonPropertyName("FeatureName")] string FeatureName,
    [property: JsonPropertyName("ValueAsString")] string ValueAsString);
