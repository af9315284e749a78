namespace EdgeIpc.Tests.Support;

/// <summary>A fresh temporary folder, deleted on dispose. Kept short: Unix socket paths are limited to ~107 bytes.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "eipc-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A server still shutting down may hold a file for a moment; the OS cleans /tmp.
        }
    }
}
