using System.Globalization;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using EdgeMlOps.Contracts;

namespace EdgeMlOps.Edge.Capture;

/// <summary>
/// Drains a <see cref="CaptureSpool"/> to S3, oldest first: the image, then its JSON sidecar (so a sidecar's
/// presence means the pair is complete), then the entry leaves the spool. Failures keep the entry and back off
/// exponentially with jitter; the spool on disk carries the backlog across restarts and offline hours. No exception
/// other than cancellation ends <see cref="RunAsync"/>: the host only awaits it at shutdown, so a loop that died on
/// an unforeseen error would stop uploads silently while the spool fills. Every failure is counted in
/// <see cref="FailedAttempts"/>, kept in <see cref="LastError"/> and reported through <see cref="CaptureUploaderOptions.Log"/>.
/// </summary>
public sealed class CaptureUploader
{
    private readonly CaptureSpool _spool;
    private readonly IAmazonS3 _s3;
    private readonly CaptureUploaderOptions _options;
    private long _uploaded;
    private long _failedAttempts;
    private long _consecutiveFailures;
    private long _skipped;
    private string? _lastError;

    public CaptureUploader(CaptureSpool spool, IAmazonS3 s3, CaptureUploaderOptions options)
    {
        ArgumentNullException.ThrowIfNull(spool);
        ArgumentNullException.ThrowIfNull(s3);
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid CaptureUploaderOptions: " + string.Join(" ", problems), nameof(options));
        }

        _spool = spool;
        _s3 = s3;
        _options = options;
    }

    /// <summary>Entries uploaded (image and sidecar) since this uploader was built.</summary>
    public long UploadedCount => Interlocked.Read(ref _uploaded);

    /// <summary>Upload attempts that failed (each is retried later).</summary>
    public long FailedAttempts => Interlocked.Read(ref _failedAttempts);

    /// <summary>Failures since the last success: 0 while S3 is reachable.</summary>
    public long ConsecutiveFailures => Interlocked.Read(ref _consecutiveFailures);

    /// <summary>Entries skipped because they vanished from the spool (dropped for quota) mid-upload.</summary>
    public long SkippedCount => Interlocked.Read(ref _skipped);

    public string? LastError => Volatile.Read(ref _lastError);

    /// <summary>Uploads until cancelled; returns normally on cancellation and never ends for any other reason.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var backoff = new UploadBackoff(_options.InitialBackoff, _options.MaxBackoff);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                bool succeeded;
                try
                {
                    // Take the wake-up signal before looking, so an enqueue in between is not missed.
                    var wake = _spool.NextEntryAdded;
                    var entry = _spool.PeekOldest();
                    if (entry is null)
                    {
                        await Task.WhenAny(wake, Task.Delay(_options.IdlePollInterval, ct)).ConfigureAwait(false);
                        continue;
                    }

                    succeeded = await TryUploadAsync(entry, ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    // Not one of the failures TryUploadAsync expects (a bug, a spool I/O error, an SDK surprise):
                    // count it like a failed attempt and go on after the backoff rather than end the loop.
                    RecordFailure(ex, unexpected: true);
                    succeeded = false;
                }

                if (succeeded)
                {
                    backoff.Reset();
                }
                else
                {
                    await Task.Delay(backoff.NextDelay(), ct).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private void RecordFailure(Exception ex, bool unexpected)
    {
        Interlocked.Increment(ref _failedAttempts);
        var consecutive = Interlocked.Increment(ref _consecutiveFailures);
        var message = $"{ex.GetType().Name}: {ex.Message}";
        Volatile.Write(ref _lastError, message);
        // An outage repeats the same error every backoff: log its first attempt; an unexpected error every time.
        if (unexpected || consecutive == 1)
        {
            _options.Log?.Invoke($"capture upload failed{(unexpected ? " unexpectedly" : string.Empty)} (attempt {FailedAttempts}, retrying with backoff): {message}");
        }
    }

    private async Task<bool> TryUploadAsync(SpoolEntry entry, CancellationToken ct)
    {
        CaptureMetadata metadata;
        try
        {
            metadata = CaptureSpool.ReadMetadata(entry);
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException)
        {
            // A damaged sidecar would block the queue forever: take it out, counted by the spool.
            _spool.Discard(entry);
            Volatile.Write(ref _lastError, $"Discarded entry {entry.Sequence}: unreadable sidecar ({ex.Message}).");
            return true;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            Interlocked.Increment(ref _skipped);
            return true;
        }

        try
        {
            await PutAsync(CaptureLayout.ImageKey(_options.CapturePrefix, metadata.ThingName, metadata.CapturedAt, entry.Sha256), entry.ImagePath,
                "image/jpeg", metadata, ct).ConfigureAwait(false);
            await PutAsync(CaptureLayout.SidecarKey(_options.CapturePrefix, metadata.ThingName, metadata.CapturedAt, entry.Sha256), entry.MetadataPath,
                CaptureLayout.SidecarContentType, metadata, ct).ConfigureAwait(false);
            _spool.MarkUploaded(entry);
            Interlocked.Increment(ref _uploaded);
            Interlocked.Exchange(ref _consecutiveFailures, 0);
            return true;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            // Dropped for quota while we were uploading it: nothing left to send.
            Interlocked.Increment(ref _skipped);
            return true;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && ex is AmazonServiceException or AmazonClientException or HttpRequestException
                                       or IOException or TaskCanceledException)
        {
            RecordFailure(ex, unexpected: false);
            return false;
        }
    }

    private async Task PutAsync(string key, string path, string contentType, CaptureMetadata metadata, CancellationToken ct)
    {
        await using var body = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var request = new PutObjectRequest
        {
            BucketName = _options.BucketName,
            Key = key,
            InputStream = body,
            ContentType = contentType,
            AutoCloseStream = false,
        };
        // The labeling app can filter on these without reading the sidecar.
        request.Metadata.Add("thing-name", Ascii(metadata.ThingName));
        request.Metadata.Add("model-version", Ascii(metadata.ModelVersion));
        request.Metadata.Add("captured-at", metadata.CapturedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        request.Metadata.Add("reason", Ascii(metadata.Reason));
        request.Metadata.Add("detections", metadata.Detections.Count.ToString(CultureInfo.InvariantCulture));
        if (metadata.BestConfidence is { } best)
        {
            request.Metadata.Add("best-confidence", best.ToString("0.####", CultureInfo.InvariantCulture));
        }

        request.Metadata.Add("sha256", metadata.ImageSha256);
        await _s3.PutObjectAsync(request, ct).ConfigureAwait(false);
    }

    /// <summary>S3 user metadata is US-ASCII: other text is percent-encoded rather than failing the upload forever.</summary>
    private static string Ascii(string value) => value.All(char.IsAscii) ? value : Uri.EscapeDataString(value);
}
