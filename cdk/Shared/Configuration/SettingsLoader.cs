using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace EdgeMlOps.Cdk.Shared.Configuration;

/// <summary>
/// Reads one environment file into <see cref="AppSettings"/>. All problems of the file are collected
/// and thrown together in one <see cref="ConfigurationException"/>; nothing is built from a bad file.
/// </summary>
public static partial class SettingsLoader
{
    /// <summary>Loads <c>config/&lt;environment&gt;.yaml</c> below <paramref name="repositoryRoot"/>.</summary>
    public static AppSettings LoadEnvironment(string repositoryRoot, string environmentName)
    {
        if (!EnvironmentNamePattern().IsMatch(environmentName))
        {
            throw new ConfigurationException(
                [$"context env must be lower-case letters, digits and hyphens (1-16), got '{environmentName}'"]);
        }

        var path = Path.Combine(repositoryRoot, "config", environmentName + ".yaml");
        if (!File.Exists(path))
        {
            var known = Directory.Exists(Path.GetDirectoryName(path))
                ? string.Join(", ", Directory.GetFiles(Path.GetDirectoryName(path)!, "*.yaml").Select(Path.GetFileNameWithoutExtension).Order())
                : "none";
            throw new ConfigurationException([$"config/{environmentName}.yaml not found (environments available: {known})"]);
        }

        return Parse(File.ReadAllText(path), $"config/{environmentName}.yaml", environmentName);
    }

    /// <summary>Parses YAML text; <paramref name="fileName"/> prefixes every message.</summary>
    public static AppSettings Parse(string yaml, string fileName, string environmentName)
    {
        var problems = new ConfigProblems(fileName);
        YamlMappingNode? root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            root = stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode as YamlMappingNode;
        }
        catch (YamlException e)
        {
            throw new ConfigurationException([$"{fileName}: not valid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.InnerException?.Message ?? e.Message}"]);
        }

        if (root is null)
        {
            throw new ConfigurationException([$"{fileName}: must be a YAML mapping at the top level"]);
        }

        var section = new ConfigSection(root, string.Empty, problems);
        var settings = Read(section, environmentName);
        section.ReportUnknownKeys();
        if (problems.All.Count > 0)
        {
            throw new ConfigurationException(problems.All);
        }

        return settings;
    }

    private static AppSettings Read(ConfigSection root, string environmentName)
    {
        var account = root.RequiredString("account", "a 12-digit AWS account id", AccountPattern());
        var region = root.RequiredString("region", "an AWS region such as eu-west-1", RegionPattern());
        var namePrefix = root.RequiredString("namePrefix", "lower-case letters, digits and hyphens, 2-20 characters, starting with a letter", NamePrefixPattern());
        var resourcePrefix = $"{namePrefix}-{environmentName}";
        return new AppSettings
        {
            EnvironmentName = environmentName,
            Account = account,
            Region = region,
            NamePrefix = namePrefix,
            SourceRepository = ReadSource(root.Section("sourceRepository")),
            Notifications = new NotificationSettings
            {
                Emails = root.Section("notifications").StringList("emails", [], 0, "an e-mail address", EmailPattern()),
            },
            Labeling = ReadLabeling(root.Section("labeling"), region),
            Training = ReadTraining(root.Section("training")),
            Edge = ReadEdge(root.Section("edge"), resourcePrefix),
        };
    }

    private static SourceRepositorySettings ReadSource(ConfigSection s)
    {
        if (!s.IsPresent)
        {
            s.Problem("kind", "is required (one of codeconnections, codecommit, s3)");
        }

        var kindText = s.OneOf("kind", "codeconnections", "codeconnections", "codecommit", "s3");
        var kind = kindText switch
        {
            "codecommit" => SourceRepositoryKind.CodeCommit,
            "s3" => SourceRepositoryKind.S3,
            _ => SourceRepositoryKind.CodeConnections,
        };
        var settings = new SourceRepositorySettings
        {
            Kind = kind,
            ConnectionArn = s.OptionalString("connectionArn", null, "a CodeConnections connection ARN", ConnectionArnPattern()),
            Repository = s.OptionalString("repository", null, "owner/name (codeconnections) or a CodeCommit repository name", RepositoryPattern()),
            Branch = s.OptionalString("branch", "main", "a branch name") ?? "main",
            BucketName = s.OptionalString("bucketName", null, "an S3 bucket name", BucketNamePattern()),
            ObjectKey = s.OptionalString("objectKey", null, "an S3 object key"),
        };

        switch (kind)
        {
            case SourceRepositoryKind.CodeConnections:
                RequireFor(s, "connectionArn", settings.ConnectionArn, kindText);
                RequireFor(s, "repository", settings.Repository, kindText);
                if (settings.Repository is not null && !settings.Repository.Contains('/', StringComparison.Ordinal))
                {
                    s.Problem("repository", $"must be owner/name for kind codeconnections, got '{settings.Repository}'");
                }

                break;
            case SourceRepositoryKind.CodeCommit:
                RequireFor(s, "repository", settings.Repository, kindText);
                break;
            case SourceRepositoryKind.S3:
                RequireFor(s, "bucketName", settings.BucketName, kindText);
                RequireFor(s, "objectKey", settings.ObjectKey, kindText);
                break;
        }

        return settings;
    }

    private static void RequireFor(ConfigSection s, string key, string? value, string kind)
    {
        if (value is null)
        {
            s.Problem(key, $"is required when kind is {kind}");
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9-]{0,15}$")]
    private static partial Regex EnvironmentNamePattern();

    [GeneratedRegex(@"^\d{12}$")]
    private static partial Regex AccountPattern();

    [GeneratedRegex("^[a-z]{2}(-gov)?-[a-z]+-\\d$")]
    private static partial Regex RegionPattern();

    [GeneratedRegex("^[a-z][a-z0-9-]{1,19}$")]
    private static partial Regex NamePrefixPattern();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"^arn:aws[a-z-]*:(codeconnections|codestar-connections):[a-z0-9-]+:\d{12}:connection/[A-Za-z0-9-]+$")]
    private static partial Regex ConnectionArnPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)?$")]
    private static partial Regex RepositoryPattern();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    private static partial Regex BucketNamePattern();

    [GeneratedRegex(@"^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:workteam/private-crowd/[A-Za-z0-9-]+$")]
    private static partial Regex WorkteamArnPattern();

    [GeneratedRegex(@"^([A-Za-z0-9!_.*'()-]+/)+$")]
    private static partial Regex PrefixPattern();

    [GeneratedRegex(@"^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\([^)]+\))$")]
    private static partial Regex SchedulePattern();

    [GeneratedRegex(@"^ml\.[a-z0-9]+\.[a-z0-9]+$")]
    private static partial Regex InstanceTypePattern();

    [GeneratedRegex(@"^[a-z0-9]+\.[a-z0-9]+$")]
    private static partial Regex Ec2InstanceTypePattern();

    [GeneratedRegex(@"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.+$")]
    private static partial Regex S3UriPattern();

    [GeneratedRegex(@"^[A-Za-z0-9:_-]{1,128}$")]
    private static partial Regex ThingGroupPattern();

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,128}$")]
    private static partial Regex ComponentNamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$")]
    private static partial Regex TopicPrefixPattern();

    [GeneratedRegex(@"^\d+\.\d+\.\d+$")]
    private static partial Regex SemverPattern();
}
