using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using EdgeMlOps.Contracts;

namespace EdgeMlOps.Edge.Capture;

/// <summary>
/// A bounded on-disk spool of captured frames, safe against crashes and restarts.
/// Layout under the root: <c>tmp/</c> (writes in progress, cleared on open), <c>pending/&lt;seq&gt;-&lt;sha256&gt;/</c>
/// (committed entries, each <c>image.jpg</c> + <c>metadata.json</c>), <c>uploaded.log</c> (hashes already uploaded)
/// and <c>dropped.count</c> (entries dropped for quota, kept across restarts).
/// An entry is written in <c>tmp/</c>, flushed, then renamed into <c>pending/</c> in one step, so image and sidecar
/// appear together or not at all; removal renames out of <c>pending/</c> first for the same reason.
/// Thread-safe: the capture path enqueues while the uploader drains.
/// </summary>
public sealed class CaptureSpool
{
    private const string TmpFolder = "tmp";
    private const string PendingFolder = "pending";
    private const string UploadedLog = "uploaded.log";
    private const string DroppedFile = "dropped.count";

    private readonly CaptureSpoolOptions _options;
    private readonly object _lock = new();
    private readonly SortedDictionary<long, SpoolEntry> _pending = [];
    private readonly HashSet<string> _pendingHashes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _uploadedHashes = new(StringComparer.Ordinal);
    private readonly Queue<string> _uploadedOrder = new();
    private readonly string _tmp;
    private readonly string _pendingRoot;
    private long _nextSequence = 1;
    private long _backlogBytes;
    private long _droppedCount;
    private long _rejectedCount;
    private long _duplicateCount;
    private long _discardedCount;
    private int _uploadedLogLines;
    private TaskCompletionSource _entryAdded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private CaptureSpool(CaptureSpoolOptions options)
    {
        _options = options;
        _tmp = Path.Combine(options.Directory, TmpFolder);
        _pendingRoot = Path.Combine(options.Directory, PendingFolder);
    }

    /// <summary>Opens (or creates) the spool: clears unfinished writes and reloads pending entries, oldest first.</summary>
    public static CaptureSpool Open(CaptureSpoolOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid CaptureSpoolOptions: " + string.Join(" ", problems), nameof(options));
        }

        var spool = new CaptureSpool(options);
        spool.Load();
        return spool;
    }

    public string Directory => _options.Directory;

    /// <summary>Entries waiting for upload.</summary>
    public int Backlog
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Bytes of images and sidecars waiting for upload.</summary>
    public long BacklogBytes => Interlocked.Read(ref _backlogBytes);

    /// <summary>Entries dropped (oldest first) to stay within the quota, since the spool was created; survives restarts.</summary>
    public long DroppedCount => Interlocked.Read(ref _droppedCount);

    /// <summary>Frames refused because they alone exceed the quota (since this process opened the spool).</summary>
    public long RejectedCount => Interlocked.Read(ref _rejectedCount);

    /// <summary>Frames refused as duplicates of pending or recently uploaded content (since open).</summary>
    public long DuplicateCount => Interlocked.Read(ref _duplicateCount);

    /// <summary>
    /// Stores a frame and its metadata. Identical image bytes already pending or recently uploaded are refused as
    /// duplicates. When the quota is full the oldest entries are deleted first and counted in <see cref="DroppedCount"/>.
    /// Throws <see cref="IOException"/> when the disk write fails (disk full, for example); nothing is committed then.
    /// </summary>
    public CaptureEnqueueResult Enqueue(ReadOnlySpan<byte> image, CaptureMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var sha = Convert.ToHexString(SHA256.HashData(image)).ToLowerInvariant();
        var sidecar = (metadata with { ImageSha256 = sha }).ToJsonBytes();
        var size = image.Length + (long)sidecar.Length;

        lock (_lock)
        {
            if (_pendingHashes.Contains(sha) || _uploadedHashes.Contains(sha))
            {
                Interlocked.Increment(ref _duplicateCount);
                return new CaptureEnqueueResult(CaptureEnqueueOutcome.Duplicate, 0, null);
            }

            if (size > _options.MaxBytes)
            {
                Interlocked.Increment(ref _rejectedCount);
                return new CaptureEnqueueResult(CaptureEnqueueOutcome.Rejected, 0, null);
            }

            var dropped = 0;
            while (_pending.Count > 0 && (_pending.Count + 1 > _options.MaxEntries || _backlogBytes + size > _options.MaxBytes))
            {
                RemoveLocked(_pending.First().Value);
                dropped++;
            }

            if (dropped > 0)
            {
                var total = Interlocked.Add(ref _droppedCount, dropped);
                WriteAtomically(Path.Combine(Directory, DroppedFile), System.Text.Encoding.UTF8.GetBytes(total.ToString(CultureInfo.InvariantCulture)));
            }

            var sequence = _nextSequence++;
            var staging = Path.Combine(_tmp, Guid.NewGuid().ToString("N"));
            var entry = new SpoolEntry(sequence, sha, Path.Combine(_pendingRoot, EntryName(sequence, sha)), size);
            try
            {
                System.IO.Directory.CreateDirectory(staging);
                WriteDurably(Path.Combine(staging, SpoolEntry.ImageFileName), image);
                WriteDurably(Path.Combine(staging, SpoolEntry.MetadataFileName), sidecar);
                // The commit point: one rename makes image and sidecar visible together.
                System.IO.Directory.Move(staging, entry.Directory);
            }
            catch (IOException)
            {
                TryDelete(staging);
                throw;
            }

            AddLocked(entry);
            var signal = _entryAdded;
            _entryAdded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            signal.TrySetResult();
            return new CaptureEnqueueResult(CaptureEnqueueOutcome.Stored, dropped, entry);
        }
    }

    /// <summary>The oldest pending entry, or null when the spool is empty.</summary>
    public SpoolEntry? PeekOldest()
    {
        lock (_lock)
        {
            return _pending.Count == 0 ? null : _pending.First().Value;
        }
    }

    public IReadOnlyList<SpoolEntry> Pending()
    {
        lock (_lock)
        {
            return [.. _pending.Values];
        }
    }

    /// <summary>A task that completes when the next entry is added (the uploader's wake-up); never faults.</summary>
    public Task NextEntryAdded
    {
        get
        {
            lock (_lock)
            {
                return _entryAdded.Task;
            }
        }
    }

    /// <summary>Entries removed because they could not be read back (damaged sidecar): counted, never silent.</summary>
    public long DiscardedCount => Interlocked.Read(ref _discardedCount);

    /// <summary>Removes an entry that cannot be uploaded (its sidecar is unreadable) and counts it in <see cref="DiscardedCount"/>.</summary>
    public void Discard(SpoolEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_lock)
        {
            if (_pending.ContainsKey(entry.Sequence))
            {
                RemoveLocked(entry);
                Interlocked.Increment(ref _discardedCount);
            }
        }
    }

    public static CaptureMetadata ReadMetadata(SpoolEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return CaptureMetadata.Read(File.ReadAllBytes(entry.MetadataPath));
    }

    /// <summary>
    /// Records the entry's hash as uploaded, then removes it. The hash is written first: after a crash in between,
    /// <see cref="Open"/> sees an uploaded hash still pending and just removes the entry.
    /// Returns false when the entry was already gone (dropped for quota while it was being uploaded).
    /// </summary>
    public bool MarkUploaded(SpoolEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_lock)
        {
            RememberUploadedLocked(entry.Sha256, persist: true);
            if (!_pending.ContainsKey(entry.Sequence))
            {
                return false;
            }

            RemoveLocked(entry);
            return true;
        }
    }

    private void Load()
    {
        System.IO.Directory.CreateDirectory(Directory);
        if (System.IO.Directory.Exists(_tmp))
        {
            // Anything left in tmp/ never reached its commit rename: it is not part of the spool.
            System.IO.Directory.Delete(_tmp, recursive: true);
        }

        System.IO.Directory.CreateDirectory(_tmp);
        System.IO.Directory.CreateDirectory(_pendingRoot);

        var droppedPath = Path.Combine(Directory, DroppedFile);
        if (File.Exists(droppedPath) && long.TryParse(File.ReadAllText(droppedPath).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var dropped))
        {
            _droppedCount = dropped;
        }

        var uploadedPath = Path.Combine(Directory, UploadedLog);
        if (File.Exists(uploadedPath))
        {
            foreach (var line in File.ReadLines(uploadedPath))
            {
                // A torn last line (crash mid-append) is simply not a hash.
                if (IsSha256(line))
                {
                    RememberUploadedLocked(line, persist: false);
                    _uploadedLogLines++;
                }
            }
        }

        foreach (var folder in new DirectoryInfo(_pendingRoot).EnumerateDirectories())
        {
            if (!TryParseEntryName(folder.Name, out var sequence, out var sha)
                || !File.Exists(Path.Combine(folder.FullName, SpoolEntry.ImageFileName))
                || !File.Exists(Path.Combine(folder.FullName, SpoolEntry.MetadataFileName)))
            {
                continue;
            }

            var entry = new SpoolEntry(sequence, sha, folder.FullName, folder.EnumerateFiles().Sum(f => f.Length));
            if (_uploadedHashes.Contains(sha))
            {
                DeleteEntryFolder(entry);
                continue;
            }

            AddLocked(entry);
            _nextSequence = Math.Max(_nextSequence, sequence + 1);
        }
    }

    private void AddLocked(SpoolEntry entry)
    {
        _pending[entry.Sequence] = entry;
        _pendingHashes.Add(entry.Sha256);
        Interlocked.Add(ref _backlogBytes, entry.SizeBytes);
    }

    private void RemoveLocked(SpoolEntry entry)
    {
        _pending.Remove(entry.Sequence);
        _pendingHashes.Remove(entry.Sha256);
        Interlocked.Add(ref _backlogBytes, -entry.SizeBytes);
        DeleteEntryFolder(entry);
    }

    private void DeleteEntryFolder(SpoolEntry entry)
    {
        // Move out of pending/ first so a crash mid-delete never leaves half an entry there.
        var doomed = Path.Combine(_tmp, "del-" + Guid.NewGuid().ToString("N"));
        try
        {
            System.IO.Directory.Move(entry.Directory, doomed);
            System.IO.Directory.Delete(doomed, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            System.IO.Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Left for the next Open, which empties tmp/.
        }
    }

    private void RememberUploadedLocked(string sha, bool persist)
    {
        if (_options.RememberedUploads == 0 || !_uploadedHashes.Add(sha))
        {
            return;
        }

        _uploadedOrder.Enqueue(sha);
        while (_uploadedOrder.Count > _options.RememberedUploads)
        {
            _uploadedHashes.Remove(_uploadedOrder.Dequeue());
        }

        if (!persist)
        {
            return;
        }

        var path = Path.Combine(Directory, UploadedLog);
        if (++_uploadedLogLines > 2 * _options.RememberedUploads)
        {
            // Compact: keep only the hashes still remembered.
            WriteAtomically(path, System.Text.Encoding.ASCII.GetBytes(string.Concat(_uploadedOrder.Select(h => h + "\n"))));
            _uploadedLogLines = _uploadedOrder.Count;
        }
        else
        {
            using var log = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
            log.Write(System.Text.Encoding.ASCII.GetBytes(sha + "\n"));
            log.Flush(flushToDisk: true);
        }
    }

    private void WriteAtomically(string path, ReadOnlySpan<byte> content)
    {
        var temp = Path.Combine(_tmp, Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N"));
        WriteDurably(temp, content);
        File.Move(temp, path, overwrite: true);
    }

    private static void WriteDurably(string path, ReadOnlySpan<byte> content)
    {
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        file.Write(content);
        file.Flush(flushToDisk: true);
    }

    private static string EntryName(long sequence, string sha) => $"{sequence.ToString("D12", CultureInfo.InvariantCulture)}-{sha}";

    private static bool TryParseEntryName(string name, out long sequence, out string sha)
    {
        sequence = 0;
        sha = "";
        var dash = name.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0 || !long.TryParse(name.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out sequence))
        {
            return false;
        }

        sha = name[(dash + 1)..];
        return IsSha256(sha);
    }

    private static bool IsSha256(string text) => text.Length == 64 && text.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
}
