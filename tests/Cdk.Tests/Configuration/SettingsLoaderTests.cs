using System.Text.Json;
using EdgeMlOps.Cdk.Shared.Configuration;
using YamlDotNet.RepresentationModel;

namespace EdgeMlOps.Cdk.Tests.Configuration;

public sealed class SettingsLoaderTests
{
    private const string File = "config/test.yaml";

    [Fact]
    public void Loads_the_shipped_dev_configuration()
    {
        var settings = SettingsLoader.LoadEnvironment(TestPaths.RepositoryRoot, "dev");

        Assert.Equal("dev", settings.EnvironmentName);
        Assert.Equal("/edgemlops/dev", settings.ParameterRoot);
        Assert.Equal(SourceRepositoryKind.CodeConnections, settings.SourceRepository.Kind);
        Assert.False(settings.Labeling.UsePublicWorkforce);
        Assert.Equal(["images/incoming/", "images/captured/"], settings.Labeling.ScanPrefixes);
        Assert.Equal(0.5, settings.Training.MapThreshold);
        Assert.NotEqual(settings.Edge.CanaryThingGroup, settings.Edge.FleetThingGroup);
    }

    [Fact]
    public void Fails_when_a_value_is_out_of_range()
    {
        var problems = ProblemsOf(ValidYaml().Replace("mapThreshold: 0.5", "mapThreshold: 1.7"));

        Assert.Equal(["config/test.yaml: training.mapThreshold must be between 0 and 1, got 1.7"], problems);
    }

    [Fact]
    public void Fails_when_a_key_is_unknown()
    {
        var problems = ProblemsOf(ValidYaml().Replace("  epochs: 50", "  epochs: 50\n  epocs: 60"));

        var problem = Assert.Single(problems);
        Assert.StartsWith("config/test.yaml: training.epocs is not a known key (allowed here: ", problem);
        Assert.Contains("epochs", problem);
    }

    [Fact]
    public void Fails_when_a_required_key_is_missing()
    {
        var problems = ProblemsOf(ValidYaml().Replace("namePrefix: edgemlops\n", string.Empty));

        Assert.Equal(["config/test.yaml: namePrefix is required (lower-case letters, digits and hyphens, 2-20 characters, starting with a letter)"], problems);
    }

    [Fact]
    public void Fails_when_a_value_has_the_wrong_type()
    {
        var problems = ProblemsOf(ValidYaml().Replace("epochs: 50", "epochs: many"));

        Assert.Equal(["config/test.yaml: training.epochs must be a whole number between 1 and 1000, got 'many'"], problems);
    }

    [Fact]
    public void Fails_when_a_boolean_is_not_true_or_false()
    {
        var problems = ProblemsOf(ValidYaml().Replace("requireManualApproval: true", "requireManualApproval: yes please"));

        Assert.Equal(["config/test.yaml: edge.requireManualApproval must be true or false, got 'yes please'"], problems);
    }

    [Fact]
    public void Lists_every_problem_at_once()
    {
        var yaml = ValidYaml()
            .Replace("mapThreshold: 0.5", "mapThreshold: -1")
            .Replace("account: \"123456789012\"", "account: \"12345\"")
            .Replace("imageSize: 640", "imageSize: 650")
            .Replace("fleetThingGroup: edgemlops-dev-fleet", "fleetThingGroup: edgemlops-dev-canary");

        var problems = ProblemsOf(yaml);

        Assert.Equal(
            [
                "config/test.yaml: account must be a 12-digit AWS account id (quote it in YAML), got '12345'",
                "config/test.yaml: training.imageSize must be a multiple of 32, got 650",
                "config/test.yaml: training.mapThreshold must be between 0 and 1, got -1",
                "config/test.yaml: edge.fleetThingGroup must differ from canaryThingGroup, both are 'edgemlops-dev-canary'",
            ],
            problems);
    }

    [Fact]
    public void Fails_when_the_workteam_is_missing_and_the_public_workforce_is_off()
    {
        var problems = ProblemsOf(ValidYaml().Replace("  workteamArn: arn:aws:sagemaker:eu-west-1:123456789012:workteam/private-crowd/metal-tag-labelers\n", string.Empty));

        Assert.Equal(["config/test.yaml: labeling.workteamArn is required unless publicWorkforce.enabled is true (a SageMaker private workteam ARN)"], problems);
    }

    [Fact]
    public void Fails_when_the_public_workforce_has_no_price()
    {
        var problems = ProblemsOf(ValidYaml()
            .Replace("publicWorkforce:\n    enabled: false", "publicWorkforce:\n    enabled: true")
            .Replace("taskAvailabilityLifetimeSeconds: 864000", "taskAvailabilityLifetimeSeconds: 43200"));

        Assert.Equal(["config/test.yaml: labeling.publicWorkforce.taskPriceUsd is required when publicWorkforce.enabled is true (one of 0.036, 0.048, 0.060, 0.072, 0.120, 0.240, 0.360, 0.480, 0.600, 0.720, 0.840, 0.960, 1.080, 1.200)"], problems);
    }

    [Fact]
    public void Fails_when_a_source_kind_lacks_its_keys()
    {
        var yaml = ValidYaml().Replace("  kind: codeconnections", "  kind: s3");

        var problems = ProblemsOf(yaml);

        Assert.Equal(
            [
                "config/test.yaml: sourceRepository.bucketName is required when kind is s3",
                "config/test.yaml: sourceRepository.objectKey is required when kind is s3",
            ],
            problems);
    }

    [Fact]
    public void Fails_when_the_yaml_does_not_parse()
    {
        var e = Assert.Throws<ConfigurationException>(() => SettingsLoader.Parse("account: [unclosed", File, "test"));

        Assert.StartsWith("config/test.yaml: not valid YAML at line", Assert.Single(e.Problems));
    }

    [Fact]
    public void Fails_when_the_environment_file_does_not_exist()
    {
        var e = Assert.Throws<ConfigurationException>(() => SettingsLoader.LoadEnvironment(TestPaths.RepositoryRoot, "nosuchenv"));

        Assert.StartsWith("config/nosuchenv.yaml not found (environments available: ", Assert.Single(e.Problems));
    }

    [Fact]
    public void Fails_when_a_list_item_is_invalid()
    {
        var problems = ProblemsOf(ValidYaml().Replace("    - mlops-team@example.com", "    - not-an-address"));

        Assert.Equal(["config/test.yaml: notifications.emails[0] must be an e-mail address, got 'not-an-address'"], problems);
    }

    [Fact]
    public void Applies_documented_defaults_for_omitted_optional_keys()
    {
        var minimal = """
            account: "123456789012"
            region: us-east-1
            namePrefix: acme
            sourceRepository:
              kind: codecommit
              repository: edge-mlops
            labeling:
              workteamArn: arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/team
            """;

        var settings = SettingsLoader.Parse(minimal, File, "test");

        Assert.Equal("main", settings.SourceRepository.Branch);
        Assert.Equal(500, settings.Labeling.MaxImagesPerJob);
        Assert.Equal(640, settings.Training.ImageSize);
        Assert.Equal("PendingManualApproval", settings.Training.ModelApprovalStatus);
        Assert.Equal("acme-test-canary", settings.Edge.CanaryThingGroup);
        Assert.False(settings.Edge.DigitalTwin.Enabled);
    }

    [Fact]
    public void Accepts_a_public_workforce_with_a_sagemaker_price_and_a_12_hour_lifetime()
    {
        var yaml = ValidYaml()
            .Replace("publicWorkforce:\n    enabled: false", "publicWorkforce:\n    enabled: true\n    taskPriceUsd: 0.036")
            .Replace("taskAvailabilityLifetimeSeconds: 864000", "taskAvailabilityLifetimeSeconds: 43200");

        var labeling = SettingsLoader.Parse(yaml, File, "test").Labeling;

        Assert.True(labeling.UsePublicWorkforce);
        Assert.Equal(0.036, labeling.PublicTaskPriceUsd);
    }

    [Fact]
    public void Fails_if_name_prefix_and_environment_do_not_fit_labeling_job_names()
    {
        var problems = ProblemsOf(ValidYaml().Replace("namePrefix: edgemlops", "namePrefix: edgemlops-platform-x"), "production-eu");

        Assert.Equal(["config/test.yaml: namePrefix with the environment must form a labeling job name prefix of at most 31 characters of a-z, 0-9 and single '-' (job names stay within 63 characters), got 'edgemlops-platform-x-production-eu'"], problems);
    }

    [Fact]
    public void Fails_if_the_class_labels_joined_exceed_a_model_package_metadata_value()
    {
        var labels = string.Join(", ", Enumerable.Range(0, 30).Select(i => $"defect-class-{i:D2}"));

        var problems = ProblemsOf(ValidYaml().Replace("classLabels: [scratch]", $"classLabels: [{labels}]"));

        Assert.Equal(["config/test.yaml: labeling.classLabels joined with '/' must be at most 256 characters (a model package metadata value), got 479"], problems);
    }

    [Fact]
    public void Dev_yaml_shows_only_defaults_except_for_per_environment_keys()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(ValidYaml()));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var removed = RemoveKeysWithDefaults(root, string.Empty);
        var stripped = new StringWriter();
        stream.Save(stripped, assignAnchors: false);

        var fromDev = SettingsLoader.Parse(ValidYaml(), File, "dev");
        var fromDefaults = SettingsLoader.Parse(stripped.ToString(), File, "dev");

        Assert.True(removed > 40, $"only {removed} keys with defaults in dev.yaml");
        Assert.Equal(JsonSerializer.Serialize(fromDefaults), JsonSerializer.Serialize(fromDev));
    }

    // Removes every key whose value the schema defaults (all but the per-environment keys); returns how many.
    private static int RemoveKeysWithDefaults(YamlMappingNode mapping, string path)
    {
        var removed = 0;
        foreach (var (keyNode, value) in mapping.Children.ToList())
        {
            var qualified = path.Length == 0 ? ((YamlScalarNode)keyNode).Value! : $"{path}.{((YamlScalarNode)keyNode).Value}";
            if (SettingsSchema.Find(qualified) is { } key)
            {
                if (!key.PerEnvironment)
                {
                    mapping.Children.Remove(keyNode);
                    removed++;
                }
            }
            else if (value is YamlMappingNode child)
            {
                removed += RemoveKeysWithDefaults(child, qualified);
            }
        }

        return removed;
    }

    private static IReadOnlyList<string> ProblemsOf(string yaml, string environmentName = "test")
    {
        var e = Assert.Throws<ConfigurationException>(() => SettingsLoader.Parse(yaml, File, environmentName));
        return e.Problems;
    }

    private static string ValidYaml() => System.IO.File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "config", "dev.yaml"));
}
