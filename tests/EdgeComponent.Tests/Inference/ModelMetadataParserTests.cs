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
    public void Returns_null_when_names_are_absent(string? text)
    {
        Assert.Null(ModelMetadataParser.ParseNames(text));
    }
}
