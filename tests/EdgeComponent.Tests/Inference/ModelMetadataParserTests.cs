using EdgeMlOps.Contracts;
using EdgeMlOps.Edge.Inference.Inference;

namespace EdgeComponent.Tests.Inference;

public sealed class ModelMetadataParserTests
{
    [Fact]
    public void Parses_ultralytics_names_dictionary()
    {
        var names = ModelMetadataParser.ParseNames("{0: 'scratch', 1: \"dent\", 2: 'it\\'s'}");

        Assert.NotNull(names);
        Assert.Equal("scratch", names[0]);
        Assert.Equal("dent", names[1]);
        Assert.Equal("it's", names[2]);
    }

    // The form ultralytics' exporter writes (str() of the dict) and the JSON train.py once wrote both name class 0.
    [Theory]
    [InlineData("{0: 'scratch'}")]
    [InlineData("{\"0\": \"scratch\"}")]
    [InlineData("[\"scratch\"]")]
    public void Names_in_ultralytics_form_json_object_or_json_list_all_report_scratch(string text)
    {
        Assert.Equal(new Dictionary<int, string> { [0] = "scratch" }, ModelMetadataParser.ParseNames(text));
    }

    [Fact]
    public void Json_names_keep_their_ids_and_unicode()
    {
        var names = ModelMetadataParser.ParseNames("{\"1\": \"dent\", \"0\": \"rust sp\\u00f6t\"}");

        Assert.Equal(new Dictionary<int, string> { [0] = "rust spöt", [1] = "dent" }, names);
    }

    [Fact]
    public void Class_names_list_is_read_when_names_is_absent()
    {
        var names = ModelMetadataParser.ParseClassNames(new Dictionary<string, string> { ["class_names"] = "[\"scratch\", \"dent\"]" });

        Assert.Equal(new Dictionary<int, string> { [0] = "scratch", [1] = "dent" }, names);
    }

    [Fact]
    public void Names_win_over_the_class_names_list()
    {
        var names = ModelMetadataParser.ParseClassNames(new Dictionary<string, string>
        {
            ["names"] = "{0: 'scratch'}",
            ["class_names"] = "[\"other\"]",
        });

        Assert.Equal("scratch", names![0]);
    }

    [Fact]
    public void Reads_the_metadata_keys_of_the_contract()
    {
        Assert.Equal(OnnxMetadataKeys.Names, ModelMetadataParser.NamesKey);
        Assert.Equal(OnnxMetadataKeys.ClassNames, ModelMetadataParser.ClassNamesKey);
    }

    [Theory]
    [InlineData("[640, 640]", 640, 640)]
    [InlineData("[480, 640]", 480, 640)]
    [InlineData("320", 320, 320)]
    public void Parses_image_size_as_height_then_width(string text, int height, int width)
    {
        Assert.Equal((height, width), ModelMetadataParser.ParseImageSize(text));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData("{\"a\": \"scratch\"}")]
    public void Returns_null_when_names_are_absent(string? text)
    {
        Assert.Null(ModelMetadataParser.ParseNames(text));
    }
}
