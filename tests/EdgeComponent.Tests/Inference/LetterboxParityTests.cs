using System.Text.Json;
using EdgeComponent.Tests.Support;
using EdgeMlOps.Edge.Inference.Imaging;
using EdgeMlOps.Edge.Inference.Inference;

namespace EdgeComponent.Tests.Inference;

/// <summary>
/// The letterbox against tests/data/edge/letterbox/letterbox-reference.json, computed by letterbox_reference.py (in
/// the same folder) from ultralytics' LetterBox and OpenCV's 8-bit INTER_LINEAR resize, independently of the C# code.
/// </summary>
public sealed class LetterboxParityTests
{
    private static readonly string Folder = Path.Combine(RepositoryPaths.Root, "tests", "data", "edge", "letterbox");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in Reference().RootElement.GetProperty("cases").EnumerateArray())
        {
            data.Add(c.GetProperty("name").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_ultralytics_letterbox_with_opencv_bilinear_to_the_grey_level(string name)
    {
        var c = Reference().RootElement.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        int Int(string key) => c.GetProperty(key).GetInt32();
        var (width, height, target) = (Int("width"), Int("height"), Int("target"));
        var expected = c.GetProperty("pixels").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var image = new DecodedImage();
        image.SetPixels(SourcePixels(width, height, Int("seed")), width, height);
        var pre = new LetterboxPreprocessor(target, target);
        var tensor = new float[pre.TensorLength];

        var geometry = pre.Process(image, tensor);

        Assert.Equal((Int("padLeft"), Int("padTop"), Int("scaledWidth"), Int("scaledHeight")),
            (geometry.PadLeft, geometry.PadTop, geometry.ScaledWidth, geometry.ScaledHeight));
        var plane = target * target;
        var differing = new List<string>();
        for (var y = 0; y < target; y++)
        {
            for (var x = 0; x < target; x++)
            {
                for (var ch = 0; ch < 3; ch++)
                {
                    var actual = tensor[(ch * plane) + (y * target) + x] * 255f;
                    var want = expected[(((y * target) + x) * 3) + ch];
                    // Values are k/255 exactly: any departure from the 8-bit reference is a real difference.
                    if (Math.Abs(actual - want) > 1e-3)
                    {
                        differing.Add($"({x},{y},{ch}): {actual} != {want}");
                    }
                }
            }
        }

        Assert.True(differing.Count == 0, $"{differing.Count} values differ: {string.Join("; ", differing.Take(10))}");
    }

    [Fact]
    public void The_fixture_is_what_the_committed_script_prints()
    {
        // The fixture must be regenerated when the script changes; this fails when the two drift apart.
        var python = new System.Diagnostics.ProcessStartInfo("python3", $"\"{Path.Combine(Folder, "letterbox_reference.py")}\"")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var process = System.Diagnostics.Process.Start(python)!;
        var printed = process.StandardOutput.ReadToEnd();
        process.WaitForExit();

        Assert.Equal(0, process.ExitCode);
        Assert.Equal(File.ReadAllText(Path.Combine(Folder, "letterbox-reference.json")).Trim(), printed.Trim());
    }

    /// <summary>The script's generator: x ← (1103515245 x + 12345) mod 2^31, byte = (x >> 16) &amp; 255.</summary>
    internal static byte[] SourcePixels(int width, int height, int seed)
    {
        var pixels = new byte[width * height * 3];
        var x = (long)seed;
        for (var i = 0; i < pixels.Length; i++)
        {
            x = ((1103515245 * x) + 12345) % (1L << 31);
            pixels[i] = (byte)((x >> 16) & 255);
        }

        return pixels;
    }

    private static JsonDocument Reference() => JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "letterbox-reference.json")));
}
