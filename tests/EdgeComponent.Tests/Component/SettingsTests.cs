using EdgeComponent.Tests.Support;
using EdgeMlOps.Edge.Component.Configuration;

namespace EdgeComponent.Tests.Component;

public sealed class SettingsTests
{
    [Fact]
    public void Arguments_become_validated_settings()
    {
        var options = CommandLine.Parse(["--model", "m.onnx", "--images", "imgs", "--confidence", "0.4", "--interval-ms", "250",
            "--set", "capture.sampleFraction=0.05", "--no-pipelining", "--thing-name", "123", "--model-package-version", "12",
            "--max-frames", "40", "--set", "classNames=scratch,dent"]);

        Assert.Equal("m.onnx", options.Settings.ModelPath);
        Assert.Equal(0.4, options.Settings.Runtime.ConfidenceThreshold);
        Assert.Equal(250, options.Settings.Runtime.FrameIntervalMs);
        Assert.Equal(0.05, options.Settings.Runtime.Capture.SampleFraction);
        Assert.False(options.Settings.Pipelining);
        Assert.Equal("123", options.Settings.ThingName);
        Assert.Equal("12", options.Settings.ModelPackageVersion);
        Assert.Equal(40, options.Settings.MaxFrames);
        Assert.Equal(["scratch", "dent"], options.Settings.ClassNames);
    }

    [Theory]
    [InlineData("{com.edgemlops.Model:configuration:/classNamesArgument}")]
    [InlineData("")]
    public void Class_names_left_uninterpolated_by_greengrass_or_empty_give_no_fallback_names(string value)
    {
        var options = CommandLine.Parse(["--model", "m.onnx", "--images", "imgs", "--set", $"classNames={value}"]);

        Assert.Empty(options.Settings.ClassNames);
    }

    [Fact]
    public void Fails_if_values_are_out_of_range_naming_every_key()
    {
        var ex = Assert.Throws<SettingsException>(() => CommandLine.Parse(["--model", "m.onnx", "--images", "i", "--confidence", "1.5",
            "--iou", "-0.1", "--max-detections", "0", "--set", "capture.uncertaintyLow=0.9"]));

        Assert.Contains(ex.Problems, p => p.StartsWith("confidenceThreshold", StringComparison.Ordinal) && p.Contains("1.5", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.StartsWith("iouThreshold", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.StartsWith("maxDetections", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.StartsWith("capture.uncertaintyLow", StringComparison.Ordinal));
    }

    [Fact]
    public void Fails_if_the_model_path_is_missing()
    {
        var ex = Assert.Throws<SettingsException>(() => CommandLine.Parse(["--images", "i"]));

        Assert.Contains(ex.Problems, p => p.StartsWith("modelPath", StringComparison.Ordinal));
    }

    [Fact]
    public void Fails_if_a_value_has_the_wrong_type_naming_the_key()
    {
        var ex = Assert.Throws<SettingsException>(() => CommandLine.Parse(["--model", "m", "--images", "i", "--max-detections", "many"]));

        Assert.Contains("maxDetections", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fails_if_topics_contain_wildcards()
    {
        var problems = new RuntimeSettings { ResultsTopic = "a/+/b" }.Validate();

        Assert.Contains(problems, p => p.StartsWith("resultsTopic", StringComparison.Ordinal));
    }

    [Fact]
    public void Images_default_to_the_shipped_samples_when_no_folder_is_configured()
    {
        var options = CommandLine.Parse(["--model", "m", "--images", "", "--set", "sampleImagesPath=/opt/samples"]);

        Assert.Equal("/opt/samples", options.Settings.EffectiveImagesPath);
    }

    [Fact]
    public void Unresolved_recipe_variables_in_model_versions_count_as_unknown()
    {
        var settings = new ComponentSettings { ModelComponentVersion = "{com.x.Model:configuration:/modelComponentVersion}", ModelPackageVersion = "12" };

        Assert.Equal(("unknown", "12"), settings.ModelVersions());
    }

    [Fact]
    public void Topics_get_the_thing_name()
    {
        var topics = new RuntimeSettings { ResultsTopic = "p/{thingName}/r", HealthTopic = "p/{iot:thingName}/h" }.ForThing("cam-7");

        Assert.Equal(("p/cam-7/r", "p/cam-7/h"), (topics.ResultsTopic, topics.HealthTopic));
    }

    [Fact]
    public void Settings_file_changes_are_applied_and_invalid_ones_rejected()
    {
        using var folder = new TempFolder();
        var file = folder.File("settings.json", "{ \"iouThreshold\": 0.5 }"u8.ToArray());
        var source = new FileRuntimeConfigurationSource(file, new RuntimeSettings { MaxDetections = 7 });
        var changes = new List<RuntimeSettings>();
        var rejections = new List<IReadOnlyList<string>>();
        source.Changed += changes.Add;
        source.Rejected += rejections.Add;

        Assert.True(source.Reload());
        Assert.Equal(0.5, source.Current.IouThreshold);
        Assert.Equal(7, source.Current.MaxDetections); // keys the file leaves out keep their value

        File.WriteAllText(file, "{ \"iouThreshold\": 2 }");
        Assert.False(source.Reload());

        Assert.Equal(0.5, source.Current.IouThreshold);
        Assert.Single(changes);
        Assert.Contains(Assert.Single(rejections), p => p.StartsWith("iouThreshold", StringComparison.Ordinal));
    }

    [Fact]
    public void Greengrass_style_string_values_are_accepted()
    {
        var settings = SettingsJson.ParseRuntime(System.Text.Json.Nodes.JsonNode.Parse(
            "{ \"confidenceThreshold\": \"0.35\", \"capture\": { \"enabled\": \"false\" } }"));

        Assert.Equal(0.35, settings.ConfidenceThreshold);
        Assert.False(settings.Capture.Enabled);
    }

    [Fact]
    public void Help_text_lists_every_alias_with_its_key_and_every_switch()
    {
        foreach (var alias in CommandLine.AliasTable)
        {
            Assert.Contains($"{alias.Name} {alias.Value}", CommandLine.Usage, StringComparison.Ordinal);
            Assert.Contains($"({alias.Key})", CommandLine.Usage, StringComparison.Ordinal);
        }

        foreach (var (usage, _) in CommandLine.Switches)
        {
            Assert.Contains(usage, CommandLine.Usage, StringComparison.Ordinal);
        }

        Assert.Equal(CommandLine.AliasTable.Count, CommandLine.Aliases.Count); // no alias listed twice
    }

    [Fact]
    public void Max_file_bytes_threads_and_source_aliases_set_their_keys()
    {
        var options = CommandLine.Parse(["--model", "m.onnx", "--images", "/tmp", "--max-file-bytes", "4096", "--threads", "2", "--source", "Watch"]);

        Assert.Equal(4096, options.Settings.MaxFileBytes);
        Assert.Equal(2, options.Settings.IntraOpThreads);
        Assert.Equal(FrameSourceKind.Watch, options.Settings.Source);
    }

    [Fact]
    public void Fails_if_max_file_bytes_is_out_of_range()
    {
        var ex = Assert.Throws<SettingsException>(() => CommandLine.Parse(["--model", "m.onnx", "--images", "/tmp", "--max-file-bytes", "10"]));

        Assert.Contains("maxFileBytes", ex.Message, StringComparison.Ordinal);
    }
}
