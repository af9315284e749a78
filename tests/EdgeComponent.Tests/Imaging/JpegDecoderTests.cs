using EdgeComponent.Tests.Support;
using EdgeMlOps.Edge.Inference.Imaging;

namespace EdgeComponent.Tests.Imaging;

public sealed class JpegDecoderTests
{
    [Fact]
    public void Decodes_a_real_jpeg_to_rgb()
    {
        using var decoder = new JpegDecoder();
        var image = new DecodedImage();

        Assert.Equal(ImageFailureReason.None, decoder.Decode(TestImages.RealJpeg(), image));
        Assert.Equal((450, 300), (image.Width, image.Height));
        Assert.Equal(450 * 300 * 3, image.Pixels.Length);
    }

    [Fact]
    public void Decodes_colours_faithfully()
    {
        using var decoder = new JpegDecoder();
        var image = new DecodedImage();

        decoder.Decode(TestImages.SolidJpeg(32, 32, 200, 120, 40), image);

        var centre = ((16 * 32) + 16) * 3;
        Assert.InRange(image.Pixels[centre], 195, 205);
        Assert.InRange(image.Pixels[centre + 1], 115, 125);
        Assert.InRange(image.Pixels[centre + 2], 35, 45);
    }

    [Fact]
    public void Large_image_is_decoded_at_a_dct_scale_that_still_covers_the_model_input()
    {
        using var decoder = new JpegDecoder();
        var image = new DecodedImage();

        Assert.Equal(ImageFailureReason.None, decoder.Decode(TestImages.SolidJpeg(2560, 1920), image, 640, 640));

        // Letterboxed, the image needs 640x480: 1/4 scale gives exactly that; 1/8 would be too small.
        Assert.Equal((640, 480), (image.Width, image.Height));
        Assert.Equal((2560, 1920), (image.OriginalWidth, image.OriginalHeight));
    }

    [Fact]
    public void Truncated_jpeg_is_reported_as_truncated()
    {
        using var decoder = new JpegDecoder();

        Assert.Equal(ImageFailureReason.Truncated, decoder.Decode(TestImages.TruncatedJpeg(), new DecodedImage()));
    }

    [Fact]
    public void Zero_byte_file_is_reported_as_empty()
    {
        using var decoder = new JpegDecoder();

        Assert.Equal(ImageFailureReason.Empty, decoder.Decode([], new DecodedImage()));
    }

    [Fact]
    public void Png_named_jpg_is_reported_as_unsupported()
    {
        using var decoder = new JpegDecoder();

        Assert.Equal(ImageFailureReason.UnsupportedFormat, decoder.Decode(TestImages.Png(), new DecodedImage()));
        Assert.Contains("PNG", decoder.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public void Image_above_the_pixel_limit_is_refused_from_its_header()
    {
        using var decoder = new JpegDecoder(new JpegDecoderOptions { MaxPixels = 100_000_000 - 1 });
        var image = new DecodedImage();

        Assert.Equal(ImageFailureReason.TooLarge, decoder.Decode(TestImages.HugeHeaderJpeg(), image));
        Assert.Contains("10000x10000", decoder.LastError, StringComparison.Ordinal);
        Assert.Equal(0, image.Width); // nothing was decoded or allocated
    }

    [Fact]
    public void Default_limit_refuses_10000_by_10000_and_admits_a_45_megapixel_camera_frame()
    {
        using var decoder = new JpegDecoder();

        Assert.Equal(ImageFailureReason.TooLarge, decoder.ReadHeader(TestImages.HugeHeaderJpeg(10_000, 10_000), out _, out _));
        Assert.Equal(ImageFailureReason.None, decoder.ReadHeader(TestImages.HugeHeaderJpeg(8192, 5460), out var w, out var h));
        Assert.Equal((8192, 5460), (w, h));
    }

    [Fact]
    public void Header_within_the_limit_is_accepted()
    {
        using var decoder = new JpegDecoder(new JpegDecoderOptions { MaxPixels = 100_000_000 });

        Assert.Equal(ImageFailureReason.None, decoder.ReadHeader(TestImages.HugeHeaderJpeg(), out var w, out var h));
        Assert.Equal((10_000, 10_000), (w, h));
    }

    [Fact]
    public void Random_bytes_after_a_jpeg_signature_are_reported_as_corrupt()
    {
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        bytes[0] = 0xFF;
        bytes[1] = 0xD8;
        bytes[2] = 0xFF;
        using var decoder = new JpegDecoder();

        Assert.Equal(ImageFailureReason.Corrupt, decoder.Decode(bytes, new DecodedImage()));
    }
}
