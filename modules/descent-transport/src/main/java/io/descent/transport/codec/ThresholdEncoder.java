package io.descent.transport.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;

import java.nio.ByteOrder;
import java.util.Arrays;

import static io.descent.transport.codec.ThresholdFormat.CODE_NEGATIVE;
import static io.descent.transport.codec.ThresholdFormat.CODE_POSITIVE;
import static io.descent.transport.codec.ThresholdFormat.HEADER_LENGTH;
import static io.descent.transport.codec.ThresholdFormat.NEGATIVE;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Threshold quantization with error feedback (Strom 2015), {@link Compression#THRESHOLD}: the worker keeps a residual
 * per element; each step adds the gradient to it and sends, for every element whose residual reaches τ
 * ({@code |r| ≥ τ}), one quantum {@code sign(r) · τ}, subtracting it from the residual. An element sends at most one
 * quantum a step (DL4J's rule): what is larger stays in the residual and goes out over the next steps, so nothing is
 * lost (mass is conserved: Σ sent + residual = Σ gradients, to float rounding). τ is picked each step by
 * {@link TauEstimator} so that about {@link ThresholdSettings#density()} of the elements pass. With
 * {@link ThresholdSettings#levels()} L above 1 a passing element sends {@code sign(r) · k · τ} instead, {@code k =
 * round(|r| / τ)} clamped to [1, L] (wire format version 2): an element whose residual ran several τ ahead catches up
 * in one message, and what is left of its residual is within τ / 2 (or beyond L·τ).
 * <p>
 * The message ({@link ThresholdFormat}) lists the sent elements' indices, or a 2-bit-per-element bitmap when that is
 * smaller (more than 1/16 sent). One pass over the residual (the gradient is copied to the heap in L1-sized blocks:
 * a plain array loop is twice as fast as reading through the buffer): indices are written as elements pass, and spilled
 * into a bitmap the moment there are too many.
 * <p>
 * Non-finite guard (DL4J's NaN with a large τ): an element whose gradient, or residual plus gradient, is not finite is
 * left out of the residual (which stays finite) and sends no quantum; the message is flagged and carries the first
 * such element and its value, so the decoded sum is non-finite and the server's divergence check fires. τ never
 * becomes 0, negative or non-finite.
 * <p>
 * Deterministic: the same sequence of gradients gives the same messages, bit for bit. Allocation-free after
 * construction (the residual is {@code floats} float32 on the heap). Confined to the worker's compute thread.
 */
public final class ThresholdEncoder implements GradientEncoder
{
    /** Floats copied from the gradient at a time: 8 KiB, in L1 while it is added. */
    static final int BLOCK = 2048;

    private static final boolean NATIVE_LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    private static final long FLOAT_ARRAY_BASE = UnsafeApi.arrayBaseOffset(float[].class);

    private final int floats;
    private final float initialTau;
    private final int levels;
    private final float[] residual;
    private final int[] spill;
    /** With more than one level: each index entry's k, written after the entries once their count is known. */
    private final byte[] entryLevels;
    private final int indexCapacity;
    private final int mapBytes;
    private final TauEstimator estimator;
    private final float[] block = new float[BLOCK];
    private final int[] passed = new int[BLOCK];
    private final long[] words = new long[BLOCK / 32];

    private float tau;
    private int sent;
    private boolean bitmap;
    private int nonFiniteCount;
    private int nonFiniteIndex;
    private float nonFiniteValue;

    /**
     * @param floats   the range's length in floats.
     * @param settings the target density and τ bounds.
     * @throws IllegalArgumentException when the range is negative or larger than {@code Integer.MAX_VALUE / 4}.
     */
    public ThresholdEncoder(final int floats, final ThresholdSettings settings)
    {
        if (floats < 0 || floats > ThresholdFormat.MAX_FLOATS)
        {
            throw new IllegalArgumentException(
                "floats must be between 0 and " + ThresholdFormat.MAX_FLOATS + ": " + floats);
        }
        this.floats = floats;
        this.initialTau = (float)settings.initialTau();
        this.levels = settings.levels();
        this.residual = new float[floats];
        this.indexCapacity = ThresholdFormat.indexCapacity(floats, levels);
        this.mapBytes = ThresholdFormat.mapBytes(floats, levels);
        this.spill = new int[indexCapacity];
        this.entryLevels = new byte[1 == levels ? 0 : indexCapacity];
        this.estimator = new TauEstimator(floats, settings);
        reset();
    }

    @Override
    public Compression compression()
    {
        return Compression.THRESHOLD;
    }

    @Override
    public int floats()
    {
        return floats;
    }

    /** @return the header plus the bitmap (one level) or the level map (more): the encoder never writes more. */
    @Override
    public int maxEncodedBytes()
    {
        return HEADER_LENGTH + mapBytes;
    }

    @Override
    public int encode(final DirectBuffer gradient, final int byteOffset, final MutableDirectBuffer dst)
    {
        gradient.boundsCheck(byteOffset, floats * Float.BYTES);
        dst.boundsCheck(0, maxEncodedBytes());
        tau = estimator.next(tau, residual, gradient, byteOffset);
        sent = 0;
        nonFiniteCount = 0;
        nonFiniteIndex = -1;
        nonFiniteValue = 0.0f;
        bitmap = false;
        for (int from = 0; from < floats; from += BLOCK)
        {
            final int length = Math.min(BLOCK, floats - from);
            load(gradient, byteOffset + (from << 2), length);
            encodeBlock(from, length, dst);
        }
        final boolean leveled = levels > 1;
        if (leveled && !bitmap)
        {
            dst.putBytes(HEADER_LENGTH + (sent << 2), entryLevels, 0, sent);
        }
        dst.putByte(ThresholdFormat.VERSION_OFFSET, leveled ? ThresholdFormat.VERSION_LEVELS : ThresholdFormat.VERSION);
        dst.putByte(ThresholdFormat.MODE_OFFSET, bitmap ? ThresholdFormat.MODE_BITMAP : ThresholdFormat.MODE_INDICES);
        dst.putByte(ThresholdFormat.FLAGS_OFFSET, nonFiniteCount > 0 ? ThresholdFormat.FLAG_NON_FINITE : 0);
        dst.putByte(ThresholdFormat.LEVELS_OFFSET, (byte)(leveled ? levels : 0));
        dst.putFloat(ThresholdFormat.TAU_OFFSET, tau, LITTLE_ENDIAN);
        dst.putInt(ThresholdFormat.COUNT_OFFSET, sent, LITTLE_ENDIAN);
        dst.putInt(ThresholdFormat.FLOATS_OFFSET, floats, LITTLE_ENDIAN);
        dst.putInt(ThresholdFormat.NON_FINITE_INDEX_OFFSET, nonFiniteIndex, LITTLE_ENDIAN);
        dst.putFloat(ThresholdFormat.NON_FINITE_VALUE_OFFSET, nonFiniteValue, LITTLE_ENDIAN);
        return HEADER_LENGTH + (bitmap ? mapBytes : sent * (leveled ? Integer.BYTES + 1 : Integer.BYTES));
    }

    /** Copies {@code length} gradient floats into {@link #block}, little-endian as the contract says. */
    private void load(final DirectBuffer gradient, final int byteOffset, final int length)
    {
        if (NATIVE_LITTLE_ENDIAN)
        {
            UnsafeApi.copyMemory(gradient.byteArray(), gradient.addressOffset() + byteOffset, block,
                FLOAT_ARRAY_BASE, (long)length * Float.BYTES);
        }
        else
        {
            for (int i = 0; i < length; i++)
            {
                block[i] = gradient.getFloat(byteOffset + (i << 2), LITTLE_ENDIAN);
            }
        }
    }

    /**
     * Adds the block's gradient to the residual, sending what reaches τ. The loop only notes the elements that reach
     * τ; they are handled after it, so that its body has no call (with a call in it, even a rarely taken one, it ran several times slower).
     */
    private void encodeBlock(final int from, final int length, final MutableDirectBuffer dst)
    {
        final float[] r = residual;
        final float[] g = block;
        final int[] passed = this.passed;
        final float t = tau;
        int count = 0;
        for (int i = 0; i < length; i++)
        {
            final float value = r[from + i] + g[i];
            // One compare on the common path; NaN fails it too and is sorted out in onPass.
            if (Math.abs(value) < t)
            {
                r[from + i] = value;
            }
            else
            {
                passed[count++] = i;
            }
        }
        if (bitmap)
        {
            if (1 == levels)
            {
                markBlock(from, length, count, dst);
            }
            else
            {
                markLevels(from, count, dst);
            }
            return;
        }
        for (int k = 0; k < count; k++)
        {
            final int i = passed[k];
            // The residual of a passing element was not written: the same sum again, bit for bit.
            onPass(from + i, g[i], r[from + i] + g[i], dst);
        }
    }

    /** A block once the message is a bitmap: its 2-bit codes are gathered in longs and written whole. */
    private void markBlock(final int from, final int length, final int count, final MutableDirectBuffer dst)
    {
        final float[] r = residual;
        final float[] g = block;
        final long[] codes = words;
        final float t = tau;
        Arrays.fill(codes, 0L);
        int marked = 0;
        for (int k = 0; k < count; k++)
        {
            final int i = passed[k];
            final int element = from + i;
            final float value = r[element] + g[i];
            if (!Float.isFinite(value))
            {
                nonFinite(element, g[i], value);
                continue;
            }
            final boolean positive = value > 0.0f;
            r[element] = positive ? value - t : value + t;
            codes[i >> 5] |= (long)(positive ? CODE_POSITIVE : CODE_NEGATIVE) << ((i & 31) << 1);
            marked++;
        }
        sent += marked;
        final int at = HEADER_LENGTH + (from >> 2);
        final int bytes = ThresholdFormat.bitmapBytes(length);
        int w = 0;
        for (; (w + 1) * Long.BYTES <= bytes; w++)
        {
            dst.putLong(at + w * Long.BYTES, codes[w], LITTLE_ENDIAN);
        }
        for (int b = w * Long.BYTES; b < bytes; b++)
        {
            dst.putByte(at + b, (byte)(codes[b >> 3] >>> ((b & 7) << 3)));
        }
    }

    /** A block once the message is a level map (more than one level): one signed byte of k an element sent. */
    private void markLevels(final int from, final int count, final MutableDirectBuffer dst)
    {
        final float[] g = block;
        for (int k = 0; k < count; k++)
        {
            final int i = passed[k];
            final int element = from + i;
            final float value = residual[element] + g[i];
            if (!Float.isFinite(value))
            {
                nonFinite(element, g[i], value);
                continue;
            }
            final int level = send(element, value);
            dst.putByte(HEADER_LENGTH + element, (byte)(value > 0.0f ? level : -level));
            sent++;
        }
    }

    /** An element at or above τ (or not finite): send its quanta, or flag it and leave its residual as it was. */
    private void onPass(final int element, final float gradient, final float value, final MutableDirectBuffer dst)
    {
        if (!Float.isFinite(value))
        {
            nonFinite(element, gradient, value);
            return;
        }
        if (!bitmap && sent == indexCapacity)
        {
            if (1 == levels)
            {
                spillToBitmap(dst);
            }
            else
            {
                spillToLevelMap(dst);
            }
            bitmap = true;
        }
        final boolean positive = value > 0.0f;
        final int level = send(element, value);
        if (bitmap)
        {
            if (1 == levels)
            {
                mark(dst, element, positive ? CODE_POSITIVE : CODE_NEGATIVE);
            }
            else
            {
                dst.putByte(HEADER_LENGTH + element, (byte)(positive ? level : -level));
            }
        }
        else
        {
            dst.putInt(HEADER_LENGTH + (sent << 2), positive ? element : element | NEGATIVE, LITTLE_ENDIAN);
            if (levels > 1)
            {
                entryLevels[sent] = (byte)level;
            }
        }
        sent++;
    }

    /**
     * Takes what an element sends out of its residual: one τ, or with more levels {@code k = round(|value| / τ)} of
     * them, clamped to [1, levels].
     *
     * @param value the element's residual plus gradient, finite and at least τ in magnitude.
     * @return k.
     */
    private int send(final int element, final float value)
    {
        final int level = 1 == levels ? 1 :
            (int)Math.min(levels, Math.max(1.0f, Math.floor(Math.abs(value) / tau + 0.5f)));
        final float quanta = ThresholdFormat.quanta(level, tau);
        residual[element] = value > 0.0f ? value - quanta : value + quanta;
        return level;
    }

    /** Rewrites the index entries written so far, and their levels, as a level map over the same bytes. */
    private void spillToLevelMap(final MutableDirectBuffer dst)
    {
        final int count = sent;
        for (int k = 0; k < count; k++)
        {
            spill[k] = dst.getInt(HEADER_LENGTH + (k << 2), LITTLE_ENDIAN);
        }
        dst.setMemory(HEADER_LENGTH, mapBytes, (byte)0);
        for (int k = 0; k < count; k++)
        {
            final int entry = spill[k];
            final int level = entryLevels[k];
            dst.putByte(HEADER_LENGTH + (entry & ~NEGATIVE), (byte)(entry < 0 ? -level : level));
        }
    }

    /** Rewrites the index entries written so far (in increasing order) as a bitmap over the same bytes. */
    private void spillToBitmap(final MutableDirectBuffer dst)
    {
        final int count = sent;
        for (int k = 0; k < count; k++)
        {
            spill[k] = dst.getInt(HEADER_LENGTH + (k << 2), LITTLE_ENDIAN);
        }
        dst.setMemory(HEADER_LENGTH, mapBytes, (byte)0);
        long word = 0;
        int wordIndex = -1;
        for (int k = 0; k < count; k++)
        {
            final int entry = spill[k];
            final int element = entry & ~NEGATIVE;
            if (element >> 5 != wordIndex)
            {
                putWord(dst, wordIndex, word);
                wordIndex = element >> 5;
                word = 0;
            }
            word |= (long)(entry < 0 ? CODE_NEGATIVE : CODE_POSITIVE) << ((element & 31) << 1);
        }
        putWord(dst, wordIndex, word);
    }

    /** Writes the codes of elements {@code [32 · index, 32 · index + 32)}, as far as the bitmap reaches. */
    private void putWord(final MutableDirectBuffer dst, final int index, final long word)
    {
        if (index < 0)
        {
            return;
        }
        final int at = index * Long.BYTES;
        if (at + Long.BYTES <= mapBytes)
        {
            dst.putLong(HEADER_LENGTH + at, word, LITTLE_ENDIAN);
            return;
        }
        for (int b = 0; at + b < mapBytes; b++)
        {
            dst.putByte(HEADER_LENGTH + at + b, (byte)(word >>> (b << 3)));
        }
    }

    private static void mark(final MutableDirectBuffer dst, final int element, final int code)
    {
        final int at = HEADER_LENGTH + (element >> 2);
        dst.putByte(at, (byte)(dst.getByte(at) | code << ((element & 3) << 1)));
    }

    /** The residual keeps its old value; the first such element travels in the header. */
    private void nonFinite(final int element, final float gradient, final float sum)
    {
        if (0 == nonFiniteCount++)
        {
            nonFiniteIndex = element;
            nonFiniteValue = Float.isFinite(gradient) ? sum : gradient;
        }
    }

    /** Clears the residual and starts τ again from the initial value. */
    @Override
    public void reset()
    {
        Arrays.fill(residual, 0.0f);
        tau = initialTau;
        sent = 0;
        nonFiniteCount = 0;
        nonFiniteIndex = -1;
        nonFiniteValue = 0.0f;
    }

    /** @return the quantum τ of the last {@link #encode} (the initial τ before the first). */
    public float tau()
    {
        return tau;
    }

    /** @return how many elements the last {@link #encode} sent a quantum for. */
    public int lastSent()
    {
        return sent;
    }

    /** @return the fraction of the range the last {@link #encode} sent a quantum for ({@code lastSent / floats}). */
    public double lastDensity()
    {
        return floats == 0 ? 0.0 : (double)sent / floats;
    }

    /** @return how many elements of the last {@link #encode}'s gradient were non-finite (left out of the residual). */
    public int lastNonFinite()
    {
        return nonFiniteCount;
    }

    /** @return the residual's L2 norm, in double: one pass over it, meant for reports, not every step. */
    public double residualNorm()
    {
        double sum = 0.0;
        for (final float value : residual)
        {
            sum += (double)value * value;
        }
        return Math.sqrt(sum);
    }

    /** @return the residual of element {@code i} (for tests and diagnostics). */
    public float residual(final int i)
    {
        return residual[i];
    }
}
