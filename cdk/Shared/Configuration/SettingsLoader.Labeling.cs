using EdgeMlOps.Contracts;

namespace EdgeMlOps.Cdk.Shared.Configuration;

/// <summary>Reads section <c>labeling</c>; owned by the labeling app.</summary>
public static partial class SettingsLoader
{
    private static LabelingSettings ReadLabeling(ConfigSection s, string region)
    {
        var workteamArn = s.OptionalString("workteamArn", null, "a SageMaker private workteam ARN", WorkteamArnPattern());
        var publicWorkforce = s.Section("publicWorkforce");
        var usePublic = publicWorkforce.Bool("enabled", false);
        var price = publicWorkforce.OptionalDouble("taskPriceUsd", 0.012, 1.2);
        if (usePublic && price is null)
        {
            publicWorkforce.Problem("taskPriceUsd", "is required when publicWorkforce.enabled is true (a price in US dollars, 0.012 to 1.2)");
        }

        if (!usePublic && workteamArn is null)
        {
            s.Problem("workteamArn", "is required unless publicWorkforce.enabled is true (a SageMaker private workteam ARN)");
        }

        if (workteamArn is not null && !workteamArn.Contains($":{region}:", StringComparison.Ordinal))
        {
            s.Problem("workteamArn", $"must be in the deployment region {region}, got '{workteamArn}'");
        }

        var incoming = s.OptionalString("incomingPrefix", "images/incoming/", "an S3 prefix ending in '/'", PrefixPattern())!;
        var capture = s.OptionalString("capturePrefix", CaptureLayout.DefaultPrefix, "an S3 prefix ending in '/'", PrefixPattern())!;
        var polls = s.Section("polling");
        var scanPrefixes = s.StringList("scanPrefixes", [incoming, capture], 1, "an S3 prefix ending in '/'", PrefixPattern());
        // Devices upload uncertain images to the capture prefix: a scan that misses it would never label them.
        foreach (var (name, prefix) in new[] { ("incomingPrefix", incoming), ("capturePrefix", capture) })
        {
            if (!scanPrefixes.Any(p => prefix.StartsWith(p, StringComparison.Ordinal)))
            {
                s.Problem("scanPrefixes", $"must cover {name} '{prefix}' (a listed prefix it starts with), got [{string.Join(", ", scanPrefixes)}]");
            }
        }

        return new LabelingSettings
        {
            WorkteamArn = workteamArn,
            UsePublicWorkforce = usePublic,
            PublicTaskPriceUsd = usePublic ? price : null,
            IncomingPrefix = incoming,
            CapturePrefix = capture,
            ScanPrefixes = scanPrefixes,
            ClassLabels = s.StringList("classLabels", ["scratch"], 1, "a class label"),
            MaxImagesPerJob = s.Int("maxImagesPerJob", 500, 1, 100_000),
            TaskTimeLimitSeconds = s.Int("taskTimeLimitSeconds", 600, 30, 28_800),
            TaskAvailabilityLifetimeSeconds = s.Int("taskAvailabilityLifetimeSeconds", 864_000, 60, 864_000),
            MaxConcurrentTaskCount = s.Int("maxConcurrentTaskCount", 100, 1, 5_000),
            WorkersPerObject = s.Int("workersPerObject", 1, 1, 9),
            VerificationEnabled = s.Section("verification").Bool("enabled", true),
            PollIntervalSeconds = polls.Int("intervalSeconds", 300, 10, 3_600),
            MaxWaitHours = polls.Int("maxWaitHours", 240, 1, 720),
            Schedule = s.OptionalString("schedule", "rate(1 day)", "an EventBridge schedule expression, rate(...) or cron(...)", SchedulePattern())!,
            PutRecordConcurrency = s.Int("putRecordConcurrency", 10, 1, 40),
        };
    }
}
