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
}
