using EdgeMlOps.Cdk.Shared.Configuration;
using EdgeMlOps.Testing;

namespace EdgeMlOps.ModelTraining.Tests.Configuration;

public sealed class TrainingSettingsTests
{
    private static readonly string DevYaml = File.ReadAllText(RepositoryRoot.Combine("config", "dev.yaml"));

    [Fact]
    public void Reads_the_split_and_image_defaults_of_dev_yaml()
    {
        var training = SettingsLoader.Parse(DevYaml, "config/dev.yaml", "dev").Training;
        Assert.Equal((42, 15, 15), (training.SplitSeed, training.ValidationPercent, training.TestPercent));
        Assert.Null(training.ContainerImageUri);
        Assert.Null(training.PretrainedWeightsUri);
    }

    [Fact]
    public void Fails_if_validation_and_test_leave_too_little_for_training()
    {
        var yaml = DevYaml.Replace("    validationPercent: 15\n    testPercent: 15", "    validationPercent: 45\n    testPercent: 40", StringComparison.Ordinal);
        var error = Assert.Throws<ConfigurationException>(() => SettingsLoader.Parse(yaml, "config/dev.yaml", "dev"));
        Assert.Contains("config/dev.yaml: training.split.testPercent plus validationPercent must leave at least 20 percent for training, got 45 + 40", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fails_if_the_container_image_is_not_an_ecr_uri()
    {
        var yaml = DevYaml.Replace("  minNewLabelsToRetrain: 50\n", "  minNewLabelsToRetrain: 50\n  containerImageUri: docker.io/ultralytics/ultralytics:latest\n", StringComparison.Ordinal);
        var error = Assert.Throws<ConfigurationException>(() => SettingsLoader.Parse(yaml, "config/dev.yaml", "dev"));
        Assert.Contains("training.containerImageUri must be an ECR image URI", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Accepts_an_ecr_image_with_a_tag()
    {
        const string image = "763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-training:2.3.0-gpu-py311";
        var yaml = DevYaml.Replace("  minNewLabelsToRetrain: 50\n", $"  minNewLabelsToRetrain: 50\n  containerImageUri: {image}\n", StringComparison.Ordinal);
        Assert.Equal(image, SettingsLoader.Parse(yaml, "config/dev.yaml", "dev").Training.ContainerImageUri);
    }

    [Fact]
    public void Fails_if_the_wait_needs_more_polls_than_one_execution_history_holds()
    {
        // 120 h at 10 s is 43,200 polls, 13 history events each: far above the 25,000-event limit.
        var yaml = DevYaml.Replace("    intervalSeconds: 300\n    maxWaitHours: 24\n", "    intervalSeconds: 10\n    maxWaitHours: 120\n", StringComparison.Ordinal);
        var error = Assert.Throws<ConfigurationException>(() => SettingsLoader.Parse(yaml, "config/dev.yaml", "dev"));
        Assert.Contains("training.polling.intervalSeconds with maxWaitHours 120 needs 43200 polls, more than the 900", error.Message, StringComparison.Ordinal);
        Assert.Contains("25,000-event", error.Message, StringComparison.Ordinal);
        Assert.Contains("at least 480", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Accepts_the_longest_wait_at_a_poll_interval_that_fits()
    {
        var yaml = DevYaml.Replace("    intervalSeconds: 300\n    maxWaitHours: 24\n", "    intervalSeconds: 480\n    maxWaitHours: 120\n", StringComparison.Ordinal);
        Assert.Equal(120, SettingsLoader.Parse(yaml, "config/dev.yaml", "dev").Training.MaxWaitHours);
    }
}
