using System.Buffers;
using StaticOffload.Diagnostics;

namespace StaticOffload.Files;

/// <summary>
/// A small file read whole into a pooled buffer, so one read serves both its digest and its upload: the bytes sent
/// are exactly the bytes hashed, and the file is opened once instead of twice.
/// </summary>
public sealed class FileBody : IDisposable
{
    private byte[]? _buffer;

    private FileBody(byte[] buffer, int length, long lastWriteTicks)
    {
        _buffer = buffer;
        Length = length;
        LastWriteTicks = lastWriteTicks;
    }

    public int Length { get; }

    /// <summary>The file's mtime as read from the open handle, the same before and after the read.</summary>
    public long LastWriteTicks { get; }

    public ArraySegment<byte> Content => new(_buffer ?? throw new ObjectDisposedException(nameof(FileBody)), 0, Length);

    /// <exception cref="SyncFailedException">SO1009 when it cannot be read, SO1019 when it changed while being read.</exception>
    public static FileBody Read(string path, int maxLength)
    {
        byte[]? buffer = null;
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var length = RandomAccess.GetLength(handle);
            var ticks = File.GetLastWriteTimeUtc(handle).Ticks;
            if (length > maxLength)
            {
                throw new SyncFailedException(Messages.FileChangedDuringUpload(path));
            }

            buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(1, length));
            var read = 0;
            int n;
            while (read < length && (n = RandomAccess.Read(handle, buffer.AsSpan(read, (int)length - read), read)) > 0)
            {
                read += n;
            }

            // A writer that truncated, extended or rewrote the file meanwhile shows in its length or mtime.
            if (read != length || RandomAccess.GetLength(handle) != length || File.GetLastWriteTimeUtc(handle).Ticks != ticks)
            {
                throw new SyncFailedException(Messages.FileChangedDuringUpload(path));
            }

            var body = new FileBody(buffer, read, ticks);
            buffer = null;
            return body;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Readable when the inventory opened it: something else changed it since.
            throw new SyncFailedException(Messages.FileUnreadable(path, ex, beforeAnyChange: false), ex);
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    public void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
