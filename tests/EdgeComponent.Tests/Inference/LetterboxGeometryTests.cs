using EdgeMlOps.Edge.Inference.Inference;

namespace EdgeComponent.Tests.Inference;

public sealed class LetterboxGeometryTests
{
    [Fact]
    public void Wide_image_is_scaled_to_the_input_width_and_padded_top_and_bottom()
    {
        var g = new LetterboxGeometry(128, 64, 64, 64);

        Assert.Equal(0.5, g.Scale, 9);
        Assert.Equal((64, 32), (g.ScaledWidth, g.ScaledHeight));
        Assert.Equal((0, 16), (g.PadLeft, g.PadTop));
    }

    [Fact]
    public void Tall_image_keeps_its_aspect_ratio_and_is_centred_horizontally()
    {
        var g = new LetterboxGeometry(300, 450, 640, 640);

        Assert.Equal(640.0 / 450.0, g.Scale, 9);
        Assert.Equal(640, g.ScaledHeight);
        Assert.Equal(427, g.ScaledWidth); // 300 * 1.4222 = 426.7
        Assert.Equal((640 - 427) / 2, g.PadLeft);
        Assert.Equal(0, g.PadTop);
    }

    [Fact]
    public void Small_image_is_scaled_up_to_fill_the_input()
    {
        var g = new LetterboxGeometry(320, 240, 640, 640);

        Assert.Equal(2.0, g.Scale, 9);
        Assert.Equal((640, 480), (g.ScaledWidth, g.ScaledHeight));
        Assert.Equal(80, g.PadTop);
    }

    [Theory]
    [InlineData(450, 300, 10f, 20f)]
    [InlineData(450, 300, 449f, 299f)]
    [InlineData(1920, 1080, 1000.5f, 3.25f)]
    [InlineData(300, 450, 150f, 225f)]
    public void Mapping_back_inverts_the_letterbox_transform(int width, int height, float x, float y)
    {
        var g = new LetterboxGeometry(width, height, 640, 640);
        var inputX = (float)((x * g.Scale) + g.PadLeft);
        var inputY = (float)((y * g.Scale) + g.PadTop);

        Assert.Equal(x, g.MapX(inputX), 2);
        Assert.Equal(y, g.MapY(inputY), 2);
    }

    [Fact]
    public void Coordinates_in_the_padding_are_clipped_to_the_image()
    {
        var g = new LetterboxGeometry(128, 64, 64, 64);

        Assert.Equal(0f, g.MapY(5f));        // top padding
        Assert.Equal(64f, g.MapY(60f));      // bottom padding
        Assert.Equal(0f, g.MapX(-3f));
        Assert.Equal(128f, g.MapX(70f));
    }

    [Fact]
    public void Fails_if_the_source_size_is_not_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LetterboxGeometry(0, 10, 64, 64));
    }
}
