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
    public void By_default_a_large_image_is_decoded_at_full_size_with_the_accurate_dct_as_the_training_side_does()
    {
        var defaults = new JpegDecoderOptions();
        Assert.Equal((false, false, "parity"), (defaults.AllowDctScaling, defaults.FastDct, defaults.PreprocessingName));
        using var decoder = new JpegDecoder();
        var image = new DecodedImage();

        Assert.Equal(ImageFailureReason.None, decoder.Decode(TestImages.SolidJpeg(2560, 1920), image, 640, 640));

        Assert.Equal((2560, 1920), (image.Width, image.Height));
    }

    [Fact]
    public void The_fast_dct_is_opt_in_and_gives_other_pixels_than_the_default()
    {
        var jpeg = TestImages.RealJpeg();
        var accurate = new DecodedImage();
        var fast = new DecodedImage();
        using (var decoder = new JpegDecoder())
        {
            Assert.Equal(ImageFailureReason.None, decoder.Decode(jpeg, accurate));
        }

        using (var decoder = new JpegDecoder(new JpegDecoderOptions { FastDct = true }))
        {
            Assert.Equal(ImageFailureReason.None, decoder.Decode(jpeg, fast));
        }

        var differing = 0;
        var largest = 0;
        for (var i = 0; i < accurate.Pixels.Length; i++)
        {
            var d = Math.Abs(accurate.Pixels[i] - fast.Pixels[i]);
            differing += d > 0 ? 1 : 0;
            largest = Math.Max(largest, d);
        }

        Assert.True(differing > 0, "the fast DCT changed no pixel: the flag is not applied");
        Assert.InRange(largest, 1, 40);
    }

    [Fact]
    public void With_dct_scaling_opted_in_a_large_image_is_decoded_at_a_scale_that_still_covers_the_model_input()
    {
        using var decoder = new JpegDecoder(new JpegDecoderOptions { AllowDctScaling = true });
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

    public static TheoryData<string> BadInputs => ["width-65535", "height-0", "truncated", "corrupt", "png", "text", "60000x60000", "cmyk", "empty"];

    private static (byte[] Data, ImageFailureReason Reason) Bad(string name) => name switch
    {
        "width-65535" => (TestImages.WithHeaderSize(TestImages.SolidJpeg(64, 48), 65535, 48), ImageFailureReason.Corrupt),
        "height-0" => (TestImages.WithHeaderSize(TestImages.SolidJpeg(64, 48), 64, 0), ImageFailureReason.Corrupt),
        "truncated" => (TestImages.TruncatedJpeg(), ImageFailureReason.Truncated),
        "corrupt" => ([0xFF, 0xD8, 0xFF, .. Enumerable.Range(0, 200).Select(i => (byte)(i * 37))], ImageFailureReason.Corrupt),
        "png" => (TestImages.Png(), ImageFailureReason.UnsupportedFormat),
        "text" => ("this is not an image\n"u8.ToArray(), ImageFailureReason.UnsupportedFormat),
        "60000x60000" => (TestImages.HugeHeaderJpeg(60_000, 60_000), ImageFailureReason.TooLarge),
        "cmyk" => (TestImages.CmykJpeg(), ImageFailureReason.UnsupportedFormat),
        "empty" => ([], ImageFailureReason.Empty),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void A_bad_frame_never_affects_the_next_good_frames_on_the_same_decoder(string name)
    {
        using var decoder = new JpegDecoder();
        var image = new DecodedImage();
        var (data, reason) = Bad(name);
        var good = TestImages.SolidJpeg(64, 48, r: 10, g: 200, b: 30);

        Assert.Equal(reason, decoder.Decode(data, image, 64, 64));
        Assert.NotEmpty(decoder.LastError);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(ImageFailureReason.None, decoder.Decode(good, image, 64, 64));
            Assert.Equal((64, 48), (image.Width, image.Height));
            Assert.InRange(image.Pixels[1], 190, 210); // green stays green: the decode is right, not just "no error"
        }
    }

    [Fact]
    public void Cmyk_jpeg_is_unsupported_format_not_corrupt()
    {
        using var decoder = new JpegDecoder();

        Assert.Equal(ImageFailureReason.UnsupportedFormat, decoder.ReadHeader(TestImages.CmykJpeg(), out _, out _));
        Assert.Contains("CMYK", decoder.LastError.ToUpperInvariant(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, 1, false, false)]
    [InlineData(450, 300, true, false)]
    [InlineData(450, 300, false, true)]
    [InlineData(450, 300, true, true)]
    public void One_pixel_greyscale_and_progressive_jpegs_decode(int width, int height, bool greyscale, bool progressive)
    {
        using var decoder = new JpegDecoder();
        var image = new DecodedImage();

        Assert.Equal(ImageFailureReason.None, decoder.Decode(TestImages.SolidJpeg(width, height, 90, 90, 90, greyscale, progressive), image));
        Assert.Equal((width, height), (image.Width, image.Height));
        Assert.InRange(image.Pixels[0], 85, 95);
    }
}
