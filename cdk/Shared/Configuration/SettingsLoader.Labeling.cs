using EdgeMlOps.Contracts;

namespace EdgeMlOps.Cdk.Shared.Configuration;

/// <summary>Reads section <c>labeling</c>; owned by the labeling app.</summary>
public static partial class SettingsLoader
{
    private static LabelingSettings ReadLabeling(SettingsReader r, string region)
    {
        var workteamArn = r.Text(SettingsSchema.Labeling.WorkteamArn);
        var usePublic = r.Boolean(SettingsSchema.Labeling.PublicWorkforceEnabled);
        var price = r.Number(SettingsSchema.Labeling.PublicWorkforceTaskPriceUsd);
        if (usePublic && price is null && !r.IsSet(SettingsSchema.Labeling.PublicWorkforceTaskPriceUsd))
        {
            r.Problem(SettingsSchema.Labeling.PublicWorkforceTaskPriceUsd, $"is required when publicWorkforce.enabled is true ({SettingsSchema.Labeling.PublicWorkforceTaskPriceUsd.Allowed})");
        }

        if (!usePublic && workteamArn is null && !r.IsSet(SettingsSchema.Labeling.WorkteamArn))
        {
            r.Problem(SettingsSchema.Labeling.WorkteamArn, "is required unless publicWorkforce.enabled is true (a SageMaker private workteam ARN)");
        }

        if (workteamArn is not null && !workteamArn.Contains($":{region}:", StringComparison.Ordinal))
        {
            r.Problem(SettingsSchema.Labeling.WorkteamArn, $"must be in the deployment region {region}, got '{workteamArn}'");
        }

        var lifetime = r.Integer(SettingsSchema.Labeling.TaskAvailabilityLifetimeSeconds);
        if (usePublic && lifetime > SettingsSchema.PublicWorkforceMaxTaskAvailabilitySeconds)
        {
            r.Problem(
                SettingsSchema.Labeling.TaskAvailabilityLifetimeSeconds,
                $"must be at most {SettingsSchema.PublicWorkforceMaxTaskAvailabilitySeconds} (12 hours) when publicWorkforce.enabled is true (SageMaker's limit for Mechanical Turk), got {lifetime}");
        }

        var incoming = r.Text(SettingsSchema.Labeling.IncomingPrefix)!;
        var capture = r.Text(SettingsSchema.Labeling.CapturePrefix)!;
        var scanPrefixes = r.List(SettingsSchema.Labeling.ScanPrefixes, [incoming, capture]);
        // Devices upload uncertain images to the capture prefix: a scan that misses it would never label them.
        foreach (var (name, prefix) in new[] { ("incomingPrefix", incoming), ("capturePrefix", capture) })
        {
            if (!scanPrefixes.Any(p => prefix.StartsWith(p, StringComparison.Ordinal)))
            {
                r.Problem(SettingsSchema.Labeling.ScanPrefixes, $"must cover {name} '{prefix}' (a listed prefix it starts with), got [{string.Join(", ", scanPrefixes)}]");
            }
        }

        var classLabels = r.List(SettingsSchema.Labeling.ClassLabels);
        var joinedLength = classLabels.Sum(l => l.Length) + Math.Max(0, classLabels.Count - 1);
        if (joinedLength > SettingsSchema.MaxJoinedClassLabelsLength)
        {
            r.Problem(
                SettingsSchema.Labeling.ClassLabels,
                $"joined with '/' must be at most {SettingsSchema.MaxJoinedClassLabelsLength} characters (a model package metadata value), got {joinedLength}");
        }

        return new LabelingSettings
        {
            WorkteamArn = workteamArn,
            UsePublicWorkforce = usePublic,
            PublicTaskPriceUsd = usePublic ? price : null,
            IncomingPrefix = incoming,
            CapturePrefix = capture,
            ScanPrefixes = scanPrefixes,
            ClassLabels = classLabels,
            MaxImagesPerJob = r.Integer(SettingsSchema.Labeling.MaxImagesPerJob),
            TaskTimeLimitSeconds = r.Integer(SettingsSchema.Labeling.TaskTimeLimitSeconds),
            TaskAvailabilityLifetimeSeconds = lifetime,
            MaxConcurrentTaskCount = r.Integer(SettingsSchema.Labeling.MaxConcurrentTaskCount),
            WorkersPerObject = r.Integer(SettingsSchema.Labeling.WorkersPerObject),
            VerificationEnabled = r.Boolean(SettingsSchema.Labeling.VerificationEnabled),
            PollIntervalSeconds = r.Integer(SettingsSchema.Labeling.PollIntervalSeconds),
            MaxWaitHours = r.Integer(SettingsSchema.Labeling.MaxWaitHours),
            Schedule = r.Text(SettingsSchema.Labeling.Schedule)!,
            PutRecordConcurrency = r.Integer(SettingsSchema.Labeling.PutRecordConcurrency),
        };
    }
}
