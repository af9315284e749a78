using System.Runtime.InteropServices;

namespace EdgeMlOps.Edge.Inference.Imaging;

/// <summary>Decoder settings.</summary>
public sealed record JpegDecoderOptions
{
    /// <summary>
    /// 50 million pixels: above the largest industrial area-scan cameras in common use (45 MP, e.g. 8192×5460, and
    /// 8K×6K sensors), and half of 10000×10000, so such a frame — 300 MB as decoded RGB, far beyond what a small
    /// device should allocate for one frame — is refused with the default settings rather than sitting exactly on
    /// the limit.
    /// </summary>
    public const long DefaultMaxPixels = 50_000_000;

    /// <summary>Images whose header declares more pixels than this are refused before decoding. Default: <see cref="DefaultMaxPixels"/> (50 million).</summary>
    public long MaxPixels { get; init; } = DefaultMaxPixels;

    /// <summary>
    /// Opt-in: decode straight to a smaller size with libjpeg's DCT scaling (1/2, 1/4, …) when the image is at least
    /// that much bigger than needed — a 4K frame for a 640 model decodes about 4× faster, but the pixels are not those
    /// of a full decode and bilinear resize (on a 4000×3000 frame 22–24 of 100 detections differed). Default: false,
    /// the full decode the training side makes.
    /// </summary>
    public bool AllowDctScaling { get; init; }

    /// <summary>
    /// Opt-in: TurboJPEG's fast integer DCT (TJFLAG_FASTDCT), about 3% less decode time; pixels differ by up to 15
    /// levels from the accurate DCT. Default: false, the accurate (islow) DCT that OpenCV and PIL decode with.
    /// </summary>
    public bool FastDct { get; init; }

    /// <summary>The opt-in fast paths in use, for reports: <c>parity</c> when none, else e.g. <c>fastDct,dctScaling</c>.</summary>
    public string PreprocessingName => (FastDct, AllowDctScaling) switch
    {
        (false, false) => "parity",
        (true, false) => "fastDct",
        (false, true) => "dctScaling",
        _ => "fastDct,dctScaling",
    };
}

/// <summary>
/// Decodes JPEG bytes into a reusable <see cref="DecodedImage"/> with TurboJPEG. Failures are returned as a
/// <see cref="ImageFailureReason"/>, not thrown: a bad frame is an expected event on a camera line. After any failure
/// the TurboJPEG handle is replaced by a fresh one: libjpeg keeps state from a failed read (a bad header leaves the
/// handle refusing every later good frame), so one bad frame must never affect the next. One instance per thread (a
/// TurboJPEG handle is not thread-safe).
/// </summary>
public sealed unsafe class JpegDecoder : IDisposable
{
    private readonly JpegDecoderOptions _options;
    private TurboJpegHandle _handle = TurboJpegHandle.CreateDecompressor();
    private readonly TurboJpegInterop.ScalingFactor[] _scalingFactors;

    public JpegDecoder(JpegDecoderOptions? options = null)
    {
        _options = options ?? new JpegDecoderOptions();
        var factors = TurboJpegInterop.GetScalingFactors(out var count);
        _scalingFactors = factors == null
            ? [new TurboJpegInterop.ScalingFactor { Num = 1, Denom = 1 }]
            : new ReadOnlySpan<TurboJpegInterop.ScalingFactor>(factors, count).ToArray();
    }

    /// <summary>The last failure's detail (TurboJPEG's message or the check that failed).</summary>
    public string LastError { get; private set; } = string.Empty;

    /// <summary>
    /// Reads only the header: size, or the reason the data is not a usable JPEG (empty, not JPEG, corrupt header,
    /// above the pixel limit).
    /// </summary>
    public ImageFailureReason ReadHeader(ReadOnlySpan<byte> data, out int width, out int height)
    {
        width = 0;
        height = 0;
        if (data.IsEmpty)
        {
            LastError = "the file is empty";
            return ImageFailureReason.Empty;
        }

        if (data.Length < 3 || data[0] != 0xFF || data[1] != 0xD8 || data[2] != 0xFF)
        {
            LastError = "not a JPEG (" + SniffFormat(data) + ")";
            return ImageFailureReason.UnsupportedFormat;
        }

        int colorspace;
        fixed (byte* jpeg = data)
        {
            if (TurboJpegInterop.DecompressHeader(_handle.DangerousGetHandle(), jpeg, (nuint)data.Length,
                    out width, out height, out _, out colorspace) != 0)
            {
                LastError = _handle.LastError();
                ResetHandle();
                return data.Length < 64 ? ImageFailureReason.Truncated : ImageFailureReason.Corrupt;
            }
        }

        if (colorspace is TurboJpegInterop.ColorspaceCmyk or TurboJpegInterop.ColorspaceYcck)
        {
            // Print-workflow JPEGs; decoding them to RGB would need an ICC profile to be right, and cameras never send them.
            LastError = $"CMYK JPEG{(colorspace == TurboJpegInterop.ColorspaceYcck ? " (stored as YCCK)" : "")}; only greyscale and YCbCr/RGB JPEGs are supported";
            return ImageFailureReason.UnsupportedFormat;
        }

        if ((long)width * height > _options.MaxPixels)
        {
            LastError = $"{width}x{height} = {(long)width * height} pixels is above the limit of {_options.MaxPixels}";
            return ImageFailureReason.TooLarge;
        }

        return ImageFailureReason.None;
    }

    /// <summary>
    /// Decodes <paramref name="data"/> to RGB. When <paramref name="fitWidth"/>/<paramref name="fitHeight"/> (the
    /// model input) are given, decodes to the smallest DCT-scaled size that still covers the image letterboxed into
    /// them (see <see cref="JpegDecoderOptions.AllowDctScaling"/>), so no detail the model could see is lost.
    /// </summary>
    public ImageFailureReason Decode(ReadOnlySpan<byte> data, DecodedImage destination, int fitWidth = 0, int fitHeight = 0)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var header = ReadHeader(data, out var width, out var height);
        if (header != ImageFailureReason.None)
        {
            return header;
        }

        var neededWidth = 0;
        var neededHeight = 0;
        if (fitWidth > 0 && fitHeight > 0)
        {
            var scale = Math.Min((double)fitWidth / width, (double)fitHeight / height);
            neededWidth = (int)Math.Ceiling(width * scale);
            neededHeight = (int)Math.Ceiling(height * scale);
        }

        var (scaledWidth, scaledHeight) = ChooseScaledSize(width, height, neededWidth, neededHeight);
        var pixels = destination.Reserve(scaledWidth, scaledHeight, width, height);
        fixed (byte* jpeg = data)
        fixed (byte* rgb = pixels)
        {
            var status = TurboJpegInterop.Decompress(_handle.DangerousGetHandle(), jpeg, (nuint)data.Length, rgb,
                scaledWidth, scaledWidth * 3, scaledHeight, TurboJpegInterop.PixelFormatRgb,
                (_options.FastDct ? TurboJpegInterop.FlagFastDct : 0) | TurboJpegInterop.FlagStopOnWarning);
            if (status != 0)
            {
                LastError = _handle.LastError();
                ResetHandle();
                return LastError.Contains("Premature end", StringComparison.OrdinalIgnoreCase)
                    ? ImageFailureReason.Truncated
                    : ImageFailureReason.Corrupt;
            }
        }

        LastError = string.Empty;
        return ImageFailureReason.None;
    }

    private (int Width, int Height) ChooseScaledSize(int width, int height, int neededWidth, int neededHeight)
    {
        if (!_options.AllowDctScaling || neededWidth <= 0 || neededHeight <= 0)
        {
            return (width, height);
        }

        var best = (width, height);
        foreach (var factor in _scalingFactors)
        {
            if (factor.Num > factor.Denom)
            {
                continue; // upscaling is never useful here
            }

            // TJSCALED(dimension, factor) = ceil(dimension * num / denom)
            var w = (width * factor.Num + factor.Denom - 1) / factor.Denom;
            var h = (height * factor.Num + factor.Denom - 1) / factor.Denom;
            if (w >= neededWidth && h >= neededHeight && (long)w * h < (long)best.Item1 * best.Item2)
            {
                best = (w, h);
            }
        }

        return best;
    }

    /// <summary>Replaces the handle after a failure, so no state of the failed frame reaches the next one.</summary>
    private void ResetHandle()
    {
        var fresh = TurboJpegHandle.CreateDecompressor();
        _handle.Dispose();
        _handle = fresh;
    }

    private static string SniffFormat(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47]))
        {
            return "PNG signature";
        }

        if (data.StartsWith("GIF8"u8))
        {
            return "GIF signature";
        }

        if (data.StartsWith("BM"u8))
        {
            return "BMP signature";
        }

        return "unknown signature";
    }

    public void Dispose() => _handle.Dispose();
}

/// <summary>Encodes RGB pixels to JPEG (synthetic frames, tests, capture thumbnails).</summary>
public static unsafe class JpegEncoder
{
    /// <summary>
    /// Encodes <paramref name="rgb"/>; <paramref name="greyscale"/> writes a one-component JPEG, <paramref name="progressive"/>
    /// a progressive one (both kinds a camera may send).
    /// </summary>
    public static byte[] EncodeRgb(ReadOnlySpan<byte> rgb, int width, int height, int quality = 90, bool greyscale = false, bool progressive = false)
    {
        if (rgb.Length != width * height * 3)
        {
            throw new ArgumentException($"Expected {width * height * 3} bytes for {width}x{height} RGB.", nameof(rgb));
        }

        using var handle = TurboJpegHandle.CreateCompressor();
        byte* jpeg = null;
        nuint size = 0;
        fixed (byte* source = rgb)
        {
            if (TurboJpegInterop.Compress(handle.DangerousGetHandle(), source, width, width * 3, height,
                    TurboJpegInterop.PixelFormatRgb, &jpeg, &size, greyscale ? TurboJpegInterop.SubsamplingGray : TurboJpegInterop.Subsampling420,
                    quality, progressive ? TurboJpegInterop.FlagProgressive : 0) != 0)
            {
                throw new InvalidOperationException("JPEG encoding failed: " + handle.LastError());
            }
        }

        try
        {
            return new ReadOnlySpan<byte>(jpeg, (int)size).ToArray();
        }
        finally
        {
            TurboJpegInterop.Free(jpeg);
        }
    }

    /// <summary>Encodes CMYK pixels (4 bytes per pixel) to a CMYK/YCCK JPEG (tests of the refusal of such files).</summary>
    public static byte[] EncodeCmyk(ReadOnlySpan<byte> cmyk, int width, int height, int quality = 90)
    {
        if (cmyk.Length != width * height * 4)
        {
            throw new ArgumentException($"Expected {width * height * 4} bytes for {width}x{height} CMYK.", nameof(cmyk));
        }

        using var handle = TurboJpegHandle.CreateCompressor();
        byte* jpeg = null;
        nuint size = 0;
        fixed (byte* source = cmyk)
        {
            if (TurboJpegInterop.Compress(handle.DangerousGetHandle(), source, width, width * 4, height,
                    TurboJpegInterop.PixelFormatCmyk, &jpeg, &size, TurboJpegInterop.Subsampling444, quality, 0) != 0)
            {
                throw new InvalidOperationException("JPEG encoding failed: " + handle.LastError());
            }
        }

        try
        {
            return new ReadOnlySpan<byte>(jpeg, (int)size).ToArray();
        }
        finally
        {
            TurboJpegInterop.Free(jpeg);
        }
    }
}
