using System.Text.RegularExpressions;

namespace EdgeMlOps.Cdk.Shared.Configuration;

/// <summary>
/// Reads one environment file into <see cref="AppSettings"/>, validating every key from its description in
/// <see cref="SettingsSchema"/>. All problems of the file are collected and thrown together in one
/// <see cref="ConfigurationException"/>; nothing is built from a bad file, and no input makes it throw anything else.
/// </summary>
public static partial class SettingsLoader
{
    /// <summary>Loads <c>config/&lt;environment&gt;.yaml</c> below <paramref name="repositoryRoot"/>.</summary>
    public static AppSettings LoadEnvironment(string repositoryRoot, string environmentName)
    {
        if (!EnvironmentNamePattern().IsMatch(environmentName))
        {
            throw new ConfigurationException(
                [$"context env must be lower-case letters, digits and hyphens (1-16), starting with a letter, got {SettingsReader.Quote(environmentName)}"]);
        }

        var path = Path.Combine(repositoryRoot, "config", environmentName + ".yaml");
        if (!File.Exists(path))
        {
            var known = Directory.Exists(Path.GetDirectoryName(path))
                ? string.Join(", ", Directory.GetFiles(Path.GetDirectoryName(path)!, "*.yaml").Select(Path.GetFileNameWithoutExtension).Order())
                : "none";
            throw new ConfigurationException([$"config/{environmentName}.yaml not found (environments available: {known})"]);
        }

        return LoadFile(path, $"config/{environmentName}.yaml", environmentName);
    }

    /// <summary>Loads the file at <paramref name="path"/>; <paramref name="fileName"/> prefixes every message.</summary>
    public static AppSettings LoadFile(string path, string fileName, string environmentName)
    {
        var length = new FileInfo(path).Length;
        if (length > ConfigDocumentParser.MaxFileBytes)
        {
            throw new ConfigurationException([$"{fileName}: is {length:N0} bytes; a configuration file may hold at most {ConfigDocumentParser.MaxFileBytes:N0} bytes"]);
        }

        return Parse(ConfigDocumentParser.DecodeUtf8(File.ReadAllBytes(path), fileName), fileName, environmentName);
    }

    /// <summary>Parses YAML text; <paramref name="fileName"/> prefixes every message.</summary>
    public static AppSettings Parse(string yaml, string fileName, string environmentName)
    {
        var root = ConfigDocumentParser.Parse(yaml, fileName);
        var problems = new ConfigProblems(fileName);
        var reader = new SettingsReader(root, problems);
        var settings = Read(reader, environmentName);
        reader.ReportUnknownKeys();
        if (problems.All.Count > 0)
        {
            throw new ConfigurationException(problems.All);
        }

        return settings;
    }

    private static AppSettings Read(SettingsReader r, string environmentName)
    {
        var account = r.Text(SettingsSchema.Root.Account) ?? string.Empty;
        var region = r.Text(SettingsSchema.Root.Region) ?? string.Empty;
        var namePrefix = r.Text(SettingsSchema.Root.NamePrefix) ?? string.Empty;
        var resourcePrefix = $"{namePrefix}-{environmentName}";
        if (namePrefix.Length > 0 && (resourcePrefix.Length > SettingsSchema.MaxJobNamePrefixLength || !JobNamePrefixPattern().IsMatch(resourcePrefix)))
        {
            r.Problem(
                SettingsSchema.Root.NamePrefix,
                $"with the environment must form a labeling job name prefix of at most {SettingsSchema.MaxJobNamePrefixLength} characters of a-z, 0-9 and single '-' (job names stay within 63 characters), got '{resourcePrefix}'");
        }

        return new AppSettings
        {
            EnvironmentName = environmentName,
            Account = account,
            Region = region,
            NamePrefix = namePrefix,
            SourceRepository = ReadSource(r),
            Notifications = new NotificationSettings { Emails = r.List(SettingsSchema.Notifications.Emails) },
            Labeling = ReadLabeling(r, region),
            Training = ReadTraining(r),
            Edge = ReadEdge(r, resourcePrefix),
            Stages = ReadStages(r, namePrefix, environmentName),
        };
    }

    private static StagedAccounts? ReadStages(SettingsReader r, string namePrefix, string environmentName)
    {
        var keys = SettingsSchema.Stages.All;
        var values = keys.Select(r.Text).ToList();
        var replicaKey = r.Text(SettingsSchema.Stages.ProductionCaptureReplicaKeyArn);
        if (!r.HasSection("stages"))
        {
            return null;
        }

        var missing = keys.Where(k => !r.IsSet(k)).ToList();
        foreach (var key in missing)
        {
            r.Problem(key, "is required when the stages section is present (dev, preProduction and production, each with account and region)");
        }

        if (missing.Count > 0 || values.Any(v => v is null))
        {
            return null;
        }

        var staged = new StagedAccounts
        {
            Dev = new DeploymentTarget(DeploymentStageKind.Dev, values[0]!, values[1]!),
            PreProduction = new DeploymentTarget(DeploymentStageKind.PreProduction, values[2]!, values[3]!),
            Production = new DeploymentTarget(DeploymentStageKind.Production, values[4]!, values[5]!),
            ProductionCaptureReplicaKeyArn = replicaKey,
        };
        if (staged.InOrder.Select(t => t.Account).Distinct(StringComparer.Ordinal).Count() != 3)
        {
            r.Problem(SettingsSchema.Stages.DevAccount, $"and the preProduction and production accounts must be three different accounts, got {string.Join(", ", staged.InOrder.Select(t => t.Account))}");
        }

        if (replicaKey is not null && !replicaKey.Contains($":kms:{staged.Dev.Region}:{staged.Dev.Account}:key/", StringComparison.Ordinal))
        {
            r.Problem(SettingsSchema.Stages.ProductionCaptureReplicaKeyArn, $"must be a key of the dev stage's account {staged.Dev.Account} and region {staged.Dev.Region}, got '{replicaKey}'");
        }

        foreach (var target in staged.InOrder)
        {
            var stagePrefix = $"{namePrefix}-{environmentName}-{target.Name}";
            if (namePrefix.Length > 0 && stagePrefix.Length > SettingsSchema.MaxJobNamePrefixLength)
            {
                r.Problem(SettingsSchema.Root.NamePrefix, $"with the environment and stage must stay within {SettingsSchema.MaxJobNamePrefixLength} characters (labeling job names), got '{stagePrefix}'");
            }
        }

        return staged;
    }

    private static SourceRepositorySettings ReadSource(SettingsReader r)
    {
        var keys = SettingsSchema.Source.Kind;
        if (!r.HasSection(keys.SectionPath))
        {
            r.Problem(keys, $"is required ({keys.Allowed})");
        }

        var kindText = r.Choice(SettingsSchema.Source.Kind);
        var kind = kindText switch
        {
            "codecommit" => SourceRepositoryKind.CodeCommit,
            "s3" => SourceRepositoryKind.S3,
            _ => SourceRepositoryKind.CodeConnections,
        };
        var settings = new SourceRepositorySettings
        {
            Kind = kind,
            ConnectionArn = r.Text(SettingsSchema.Source.ConnectionArn),
            Repository = r.Text(SettingsSchema.Source.Repository),
            Branch = r.Text(SettingsSchema.Source.Branch)!,
            BucketName = r.Text(SettingsSchema.Source.BucketName),
            ObjectKey = r.Text(SettingsSchema.Source.ObjectKey),
        };

        switch (kind)
        {
            case SourceRepositoryKind.CodeConnections:
                RequireFor(r, SettingsSchema.Source.ConnectionArn, kindText);
                RequireFor(r, SettingsSchema.Source.Repository, kindText);
                if (settings.Repository is not null && !settings.Repository.Contains('/', StringComparison.Ordinal))
                {
                    r.Problem(SettingsSchema.Source.Repository, $"must be owner/name for kind codeconnections, got '{settings.Repository}'");
                }

                break;
            case SourceRepositoryKind.CodeCommit:
                RequireFor(r, SettingsSchema.Source.Repository, kindText);
                break;
            case SourceRepositoryKind.S3:
                RequireFor(r, SettingsSchema.Source.BucketName, kindText);
                RequireFor(r, SettingsSchema.Source.ObjectKey, kindText);
                break;
        }

        return settings;
    }

    // Only a key that is not written at all is missing; a written but invalid one already has its own problem.
    private static void RequireFor(SettingsReader r, SettingKey key, string kind)
    {
        if (!r.IsSet(key))
        {
            r.Problem(key, $"is required when kind is {kind}");
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9-]{0,15}$")]
    private static partial Regex EnvironmentNamePattern();

    [GeneratedRegex("^[a-z0-9](-?[a-z0-9])*$")]
    private static partial Regex JobNamePrefixPattern();
}
