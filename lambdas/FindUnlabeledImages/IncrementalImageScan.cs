using System.Collections.Concurrent;
using Amazon.S3;
using Amazon.S3.Model;
using EdgeMlOps.Contracts;
using EdgeMlOps.Labeling.Common;

namespace EdgeMlOps.Labeling.FindUnlabeledImages;

/// <summary>What one scan found: new images, the positions to remember, and counts of what was listed.</summary>
public sealed record ScanOutcome(
    IReadOnlyList<ImageObject> Images,
    IReadOnlyDictionary<string, string> Positions,
    int ListedObjectCount,
    int SidecarCount,
    int DeviceFolderCount);

/// <summary>
/// Lists the scanned prefixes incrementally. Under the capture prefix each device folder is listed after its
/// remembered position (ListObjectsV2 StartAfter, restarting at the day folder of the last key seen), so a run lists
/// the new captures and at most one day per device again, whatever is stored. Sidecars are recognised by
/// <see cref="CaptureLayout.IsSidecar"/> (the contract) and never downloaded. Other prefixes (manual uploads, no ordering
/// guarantee) are listed whole on every run, and an object there without an image extension is identified by a
/// ranged GET of its first bytes.
/// </summary>
public sealed class IncrementalImageScan(IObjectLister lister, IAmazonS3? sniffer, int parallelism = 16)
{
    public async Task<ScanOutcome> ScanAsync(
        string bucket,
        IReadOnlyList<string> scanPrefixes,
        string capturePrefix,
        IReadOnlyDictionary<string, string> positions,
        SkipTally skipped,
        CancellationToken cancellationToken = default)
    {
        var images = new ConcurrentBag<ImageObject>();
        var newPositions = new ConcurrentDictionary<string, string>(positions, StringComparer.Ordinal);
        var listed = 0;
        var sidecars = 0;
        var devices = 0;
        foreach (var prefix in scanPrefixes)
        {
            if (prefix == capturePrefix)
            {
                var folders = new List<string>();
                await foreach (var entry in lister.ListLevelAsync(bucket, prefix, cancellationToken).ConfigureAwait(false))
                {
                    if (entry.Key.EndsWith('/'))
                    {
                        folders.Add(entry.Key);
                        continue;
                    }

                    // An object outside any device folder (not the component's layout, e.g. a manual upload): listed
                    // with the level on every run, judged like the rest.
                    listed++;
                    if (!CaptureLayout.IsSidecar(entry.Key)
                        && Judge(bucket, entry, skipped, mayDownload: false) == Verdict.Image)
                    {
                        images.Add(new ImageObject(bucket, entry.Key, entry.LastModified));
                    }
                }

                devices += folders.Count;
                await Parallel.ForEachAsync(folders, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, async (folder, ct) =>
                {
                    string? last = null;
                    await foreach (var entry in lister.ListAsync(bucket, folder, positions.GetValueOrDefault(folder), ct).ConfigureAwait(false))
                    {
                        Interlocked.Increment(ref listed);
                        last = entry.Key;
                        if (CaptureLayout.IsSidecar(entry.Key))
                        {
                            Interlocked.Increment(ref sidecars);
                            continue;
                        }

                        if (Judge(bucket, entry, skipped, mayDownload: false) == Verdict.Image)
                        {
                            images.Add(new ImageObject(bucket, entry.Key, entry.LastModified));
                        }
                    }

                    if (last is not null)
                    {
                        newPositions[folder] = CaptureScanPosition.RestartAfter(last);
                    }
                }).ConfigureAwait(false);
                continue;
            }

            await foreach (var entry in lister.ListAsync(bucket, prefix, null, cancellationToken).ConfigureAwait(false))
            {
                listed++;
                var verdict = Judge(bucket, entry, skipped, mayDownload: sniffer is not null);
                if (verdict == Verdict.Image
                    || (verdict == Verdict.Sniff && await SniffAsync(bucket, entry, skipped, cancellationToken).ConfigureAwait(false)))
                {
                    images.Add(new ImageObject(bucket, entry.Key, entry.LastModified));
                }
            }
        }

        return new ScanOutcome([.. images], newPositions, listed, sidecars, devices);
    }

    private enum Verdict
    {
        Image,
        NotImage,
        Sniff,
    }

    private static Verdict Judge(string bucket, ListedObject entry, SkipTally skipped, bool mayDownload)
    {
        if (entry.Key.EndsWith('/'))
        {
            return Verdict.NotImage; // a folder marker, not an object anyone uploaded
        }

        var sourceRef = $"s3://{bucket}/{entry.Key}";
        if (entry.Size == 0)
        {
            skipped.Add(sourceRef, SkipReasons.EmptyObject, "object has no content");
            return Verdict.NotImage;
        }

        if (ImageContent.FromExtension(entry.Key) != ImageFormat.Unknown)
        {
            return Verdict.Image;
        }

        if (mayDownload)
        {
            return Verdict.Sniff;
        }

        skipped.Add(sourceRef, SkipReasons.UnsupportedImage, $"'{Path.GetExtension(entry.Key)}' is not .jpg/.jpeg/.png");
        return Verdict.NotImage;
    }

    private async Task<bool> SniffAsync(string bucket, ListedObject entry, SkipTally skipped, CancellationToken cancellationToken)
    {
        using var response = await sniffer!.GetObjectAsync(new GetObjectRequest
        {
            BucketName = bucket,
            Key = entry.Key,
            ByteRange = new ByteRange(0, ImageContent.SniffLength - 1),
        }, cancellationToken).ConfigureAwait(false);
        var buffer = new byte[ImageContent.SniffLength];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await response.ResponseStream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        if (ImageContent.Sniff(buffer[..read]) != ImageFormat.Unknown)
        {
            return true;
        }

        skipped.Add($"s3://{bucket}/{entry.Key}", SkipReasons.UnsupportedImage, $"'{Path.GetExtension(entry.Key)}' is not .jpg/.jpeg/.png and the content is not JPEG or PNG");
        return false;
    }
}
