using System.Runtime.InteropServices;

namespace EdgeMlOps.Edge.Inference.Imaging;

/// <summary>libjpeg-turbo's TurboJPEG 2.x API (Debian package libturbojpeg0). C types in comments.</summary>
internal static unsafe partial class TurboJpegInterop
{
    private const string Library = "libturbojpeg.so.0";

    public const int PixelFormatRgb = 0; // TJPF_RGB
    public const int FlagFastUpsample = 256; // TJFLAG_FASTUPSAMPLE
    public const int FlagFastDct = 2048; // TJFLAG_FASTDCT
    public const int FlagStopOnWarning = 8192; // TJFLAG_STOPONWARNING
    public const int FlagProgressive = 16384; // TJFLAG_PROGRESSIVE
    public const int SubsamplingGray = 3; // TJSAMP_GRAY
    public const int PixelFormatCmyk = 11; // TJPF_CMYK
    public const int Subsampling444 = 0; // TJSAMP_444
    public const int Subsampling420 = 2; // TJSAMP_420
    public const int ColorspaceCmyk = 3; // TJCS_CMYK
    public const int ColorspaceYcck = 4; // TJCS_YCCK

    // tjhandle tjInitDecompress(void)
    [LibraryImport(Library, EntryPoint = "tjInitDecompress")]
    public static partial IntPtr InitDecompress();

    // tjhandle tjInitCompress(void)
    [LibraryImport(Library, EntryPoint = "tjInitCompress")]
    public static partial IntPtr InitCompress();

    // int tjDestroy(tjhandle handle)
    [LibraryImport(Library, EntryPoint = "tjDestroy")]
    public static partial int Destroy(IntPtr handle);

    // int tjDecompressHeader3(tjhandle, const unsigned char* jpegBuf, unsigned long jpegSize, int* width,
    //     int* height, int* jpegSubsamp, int* jpegColorspace)
    [LibraryImport(Library, EntryPoint = "tjDecompressHeader3")]
    public static partial int DecompressHeader(IntPtr handle, byte* jpeg, nuint jpegSize, out int width, out int height,
        out int subsampling, out int colorspace);

    // int tjDecompress2(tjhandle, const unsigned char* jpegBuf, unsigned long jpegSize, unsigned char* dstBuf,
    //     int width, int pitch, int height, int pixelFormat, int flags)
    [LibraryImport(Library, EntryPoint = "tjDecompress2")]
    public static partial int Decompress(IntPtr handle, byte* jpeg, nuint jpegSize, byte* destination, int width,
        int pitch, int height, int pixelFormat, int flags);

    // int tjCompress2(tjhandle, const unsigned char* srcBuf, int width, int pitch, int height, int pixelFormat,
    //     unsigned char** jpegBuf, unsigned long* jpegSize, int jpegSubsamp, int jpegQual, int flags)
    [LibraryImport(Library, EntryPoint = "tjCompress2")]
    public static partial int Compress(IntPtr handle, byte* source, int width, int pitch, int height, int pixelFormat,
        byte** jpeg, nuint* jpegSize, int subsampling, int quality, int flags);

    // void tjFree(unsigned char* buffer)
    [LibraryImport(Library, EntryPoint = "tjFree")]
    public static partial void Free(byte* buffer);

    // char* tjGetErrorStr2(tjhandle handle)
    [LibraryImport(Library, EntryPoint = "tjGetErrorStr2")]
    public static partial IntPtr GetErrorString(IntPtr handle);

    // int tjGetErrorCode(tjhandle handle): TJERR_WARNING = 0, TJERR_FATAL = 1
    [LibraryImport(Library, EntryPoint = "tjGetErrorCode")]
    public static partial int GetErrorCode(IntPtr handle);

    // tjscalingfactor* tjGetScalingFactors(int* numScalingFactors); struct { int num; int denom; }
    [LibraryImport(Library, EntryPoint = "tjGetScalingFactors")]
    public static partial ScalingFactor* GetScalingFactors(out int count);

    [StructLayout(LayoutKind.Sequential)]
    public struct ScalingFactor
    {
        public int Num;
        public int Denom;
    }
}

/// <summary>A TurboJPEG instance; tjDestroy runs only from ReleaseHandle.</summary>
internal sealed class TurboJpegHandle : SafeHandle
{
    private TurboJpegHandle(IntPtr handle)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(handle);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    public static TurboJpegHandle CreateDecompressor() => Create(TurboJpegInterop.InitDecompress());

    public static TurboJpegHandle CreateCompressor() => Create(TurboJpegInterop.InitCompress());

    private static TurboJpegHandle Create(IntPtr handle) => handle == IntPtr.Zero
        ? throw new InvalidOperationException("TurboJPEG could not create a handle (is libturbojpeg0 installed?).")
        : new TurboJpegHandle(handle);

    public string LastError() => Marshal.PtrToStringUTF8(TurboJpegInterop.GetErrorString(handle)) ?? "unknown error";

    protected override bool ReleaseHandle() => TurboJpegInterop.Destroy(handle) == 0;
}
