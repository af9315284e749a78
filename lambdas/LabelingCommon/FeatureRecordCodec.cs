using System.Globalization;
using System.Text.Json;

namespace EdgeMlOps.Labeling.Common;

/// <summary>Converts a <see cref="LabelRecord"/> to the feature values of a <c>PutRecord</c> call and back, without loss.</summary>
public static class FeatureRecordCodec
{
    public static IReadOnlyList<FeatureValue> ToFeatureValues(LabelRecord label) =>
    [
        new(LabelFeatures.SourceRef, label.SourceRef),
        new(LabelFeatures.ImageWidth, label.ImageWidth.ToString(CultureInfo.InvariantCulture)),
        new(LabelFeatures.ImageHeight, label.ImageHeight.ToString(CultureInfo.InvariantCulture)),
        new(LabelFeatures.ImageDepth, label.ImageDepth.ToString(CultureInfo.InvariantCulture)),
        new(LabelFeatures.Annotations, JsonSerializer.Serialize(label.Annotations)),
        // "R" keeps every bit of the double, so the value read back is the same number.
        new(LabelFeatures.EventTime, label.EventTime.ToString("R", CultureInfo.InvariantCulture)),
        new(LabelFeatures.LabelingJob, label.LabelingJob),
        new(LabelFeatures.Status, label.Status.ToText()),
    ];

    /// <exception cref="FormatException">A feature is missing or its value does not parse.</exception>
    public static LabelRecord FromFeatureValues(IEnumerable<FeatureValue> values)
    {
        var byName = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            byName[value.FeatureName] = value.ValueAsString;
        }

        string Get(string name) => byName.TryGetValue(name, out var v) ? v : throw new FormatException($"feature {name} is missing");
        int GetInt(string name) => int.TryParse(Get(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
            ? v : throw new FormatException($"feature {name} must be an integer, got '{Get(name)}'");

        var eventTimeText = Get(LabelFeatures.EventTime);
        if (!double.TryParse(eventTimeText, NumberStyles.Float, CultureInfo.InvariantCulture, out var eventTime))
        {
            throw new FormatException($"feature {LabelFeatures.EventTime} must be a number, got '{eventTimeText}'");
        }

        return new LabelRecord(
            Get(LabelFeatures.SourceRef),
            GetInt(LabelFeatures.ImageWidth),
            GetInt(LabelFeatures.ImageHeight),
            GetInt(LabelFeatures.ImageDepth),
            JsonSerializer.Deserialize<List<BoundingBox>>(Get(LabelFeatures.Annotations))
                ?? throw new FormatException($"feature {LabelFeatures.Annotations} is null"),
            eventTime,
            Get(LabelFeatures.LabelingJob),
            LabelStatusText.Parse(Get(LabelFeatures.Status)));
    }
}
