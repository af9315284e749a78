using EdgeMlOps.Edge.Inference.Imaging;
using EdgeMlOps.Edge.Inference.Inference;

namespace EdgeComponent.Tests.Inference;

public sealed class LetterboxPreprocessorTests
{
    private const float Pad = 114f / 255f;

    [Fact]
    public void Writes_planar_rgb_scaled_to_one_with_grey_padding()
    {
        var image = Solid(128, 64, 255, 0, 10);
        var pre = new LetterboxPreprocessor(64, 64);
        var tensor = new float[pre.TensorLength];

        var geometry = pre.Process(image, tensor);

        Assert.Equal(16, geometry.PadTop);
        const int plane = 64 * 64;
        for (var y = 0; y < 64; y++)
        {
            var inside = y >= 16 && y < 48;
            for (var x = 0; x < 64; x++)
            {
                var i = (y * 64) + x;
                Assert.Equal(inside ? 1f : Pad, tensor[i], 5);
                Assert.Equal(inside ? 0f : Pad, tensor[plane + i], 5);
                Assert.Equal(inside ? 10f / 255f : Pad, tensor[(2 * plane) + i], 5);
            }
        }
    }

    [Fact]
    public void Same_size_image_is_copied_exactly()
    {
        var rgb = new byte[8 * 8 * 3];
        for (var i = 0; i < rgb.Length; i++)
        {
            rgb[i] = (byte)((i * 37) % 256);
        }

        var image = new DecodedImage();
        image.SetPixels(rgb, 8, 8);
        var pre = new LetterboxPreprocessor(8, 8);
        var tensor = new float[pre.TensorLength];

        pre.Process(image, tensor);

        for (var p = 0; p < 64; p++)
        {
            for (var c = 0; c < 3; c++)
            {
                Assert.Equal(rgb[(p * 3) + c] / 255f, tensor[(c * 64) + p], 5);
            }
        }
    }

    [Fact]
    public void Halving_averages_neighbouring_pixels_bilinearly()
    {
        // Columns alternate 0 and 200: a 2x downscale samples between each pair, giving 100.
        var rgb = new byte[16 * 16 * 3];
        for (var y = 0; y < 16; y++)
        {
            for (var x = 0; x < 16; x++)
            {
                var v = (byte)(x % 2 == 0 ? 0 : 200);
                rgb[(((y * 16) + x) * 3) + 0] = v;
                rgb[(((y * 16) + x) * 3) + 1] = v;
                rgb[(((y * 16) + x) * 3) + 2] = v;
            }
        }

        var image = new DecodedImage();
        image.SetPixels(rgb, 16, 16);
        var pre = new LetterboxPreprocessor(8, 8);
        var tensor = new float[pre.TensorLength];

        pre.Process(image, tensor);

        Assert.All(tensor, v => Assert.Equal(100f / 255f, v, 4));
    }

    [Fact]
    public void Reuses_its_buffers_for_frames_of_the_same_size()
    {
        var image = Solid(450, 300, 1, 2, 3);
        var pre = new LetterboxPreprocessor(640, 640);
        var tensor = new float[pre.TensorLength];
        pre.Process(image, tensor); // warm-up sizes the buffers

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 5; i++)
        {
            pre.Process(image, tensor);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static DecodedImage Solid(int width, int height, byte r, byte g, byte b)
    {
        var rgb = new byte[width * height * 3];
        for (var i = 0; i < rgb.Length; i += 3)
        {
            rgb[i] = r;
            rgb[i + 1] = g;
            rgb[i + 2] = b;
        }

        var image = new DecodedImage();
        image.SetPixels(rgb, width, height);
        return image;
    }
}
