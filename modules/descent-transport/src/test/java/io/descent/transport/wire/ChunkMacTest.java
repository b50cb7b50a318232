package io.descent.transport.wire;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ChunkMac} against the JDK's primitives used the plain way (the wire's tag, pinned), wherever the payload
 * lives (heap, direct buffer, raw address; in one piece or many, across the slices it is staged in), and
 * against tampering.
 */
class ChunkMacTest
{
    private static final byte[] SECRET = "a cluster key of at least sixteen bytes".getBytes(StandardCharsets.UTF_8);
    private static final DataKey KEY = DataKey.derive(SECRET, 42, "descent data-plane v2");
    private static final int SESSION = -1_234_567;
    private static final long SEQUENCE = 0x0123_4567_89ab_cdefL;
    /** Many of CipherTag's slices, not a multiple of the AES block. */
    private static final int PAYLOAD = 16 * CipherTag.SLICE + 12_345;

    @ParameterizedTest
    @EnumSource(value = ChunkAuth.class, mode = EnumSource.Mode.EXCLUDE, names = "CRC_ONLY")
    void shouldTagTheSessionHeaderAndPayloadAsTheJdkPrimitiveDoes(final ChunkAuth auth) throws Exception
    {
        final UnsafeBuffer header = header(auth);
        final byte[] payload = random(PAYLOAD, 1);

        new ChunkMac(auth, KEY).begin(SESSION, new ChunkHeader().wrap(header, 0), false)
            .update(new UnsafeBuffer(ByteBuffer.allocateDirect(PAYLOAD).put(payload).flip()), 0, PAYLOAD)
            .sign(header, 0);

        assertArrayEquals(reference(auth, header, payload), tagOf(header));
    }

    @ParameterizedTest
    @EnumSource(value = ChunkAuth.class, mode = EnumSource.Mode.EXCLUDE, names = "CRC_ONLY")
    void shouldGiveOneTagWhereverThePayloadLivesAndHoweverItIsCut(final ChunkAuth auth)
    {
        final byte[] payload = random(PAYLOAD, 2);
        final ByteBuffer direct = ByteBuffer.allocateDirect(PAYLOAD + 7);
        direct.position(7);
        direct.put(payload);
        final UnsafeBuffer[] places = {
            new UnsafeBuffer(payload),
            new UnsafeBuffer(direct, 7, PAYLOAD),
            new UnsafeBuffer(BufferUtil.address(direct) + 7, PAYLOAD),
        };
        final ChunkMac mac = new ChunkMac(auth, KEY);
        byte[] expected = null;
        for (final UnsafeBuffer place : places)
        {
            for (final int piece : new int[]{ PAYLOAD, CipherTag.SLICE, 3 * CipherTag.SLICE + 5, 1000, 17 })
            {
                final UnsafeBuffer header = header(auth);
                mac.begin(SESSION, new ChunkHeader().wrap(header, 0), true);
                for (int at = 0; at < PAYLOAD; at += piece)
                {
                    mac.update(place, at, Math.min(piece, PAYLOAD - at));
                }
                if (null == expected)
                {
                    mac.sign(header, 0);
                    expected = tagOf(header);
                }
                else
                {
                    header.putBytes(ChunkHeader.TAG_OFFSET, expected);
                    assertTrue(mac.verify(header, 0), () -> "fed in pieces of " + piece + " from " + place);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = ChunkAuth.class, mode = EnumSource.Mode.EXCLUDE, names = "CRC_ONLY")
    void shouldRejectAChangedPayloadByteHeaderByteSessionOrKey(final ChunkAuth auth)
    {
        final UnsafeBuffer header = header(auth);
        final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(PAYLOAD));
        payload.putBytes(0, random(PAYLOAD, 3));
        new ChunkMac(auth, KEY).begin(SESSION, new ChunkHeader().wrap(header, 0), false)
            .update(payload, 0, PAYLOAD).sign(header, 0);
        final ChunkMac receiver = new ChunkMac(auth, KEY);
        assertTrue(verify(receiver, SESSION, header, payload));
        assertTrue(verify(receiver, SESSION, header, payload), "the same chunk verifies twice in a row");

        for (final int at : new int[]{ 0, CipherTag.SLICE, PAYLOAD - 1 })
        {
            payload.putByte(at, (byte)(payload.getByte(at) ^ 1));
            assertFalse(verify(receiver, SESSION, header, payload), "payload byte " + at + " changed");
            payload.putByte(at, (byte)(payload.getByte(at) ^ 1));
        }
        for (final int at : new int[]{ 4, 60, 72, 87 })
        {
            header.putByte(at, (byte)(header.getByte(at) ^ 1));
            assertFalse(verify(receiver, SESSION, header, payload), "header byte " + at + " changed");
            header.putByte(at, (byte)(header.getByte(at) ^ 1));
        }
        assertFalse(verify(receiver, SESSION + 1, header, payload), "another session");
        final DataKey other = DataKey.derive(SECRET, 43, "descent data-plane v2");
        assertFalse(verify(new ChunkMac(auth, other), SESSION, header, payload), "another incarnation's key");
        assertTrue(verify(receiver, SESSION, header, payload), "the original still verifies");
    }

    @ParameterizedTest
    @EnumSource(value = ChunkAuth.class, names = { "AES_GMAC", "CHACHA20_POLY1305" })
    void shouldRefuseToSignTwiceUnderOneNonce(final ChunkAuth auth)
    {
        final UnsafeBuffer header = header(auth);
        final UnsafeBuffer payload = new UnsafeBuffer(random(100, 4));
        final ChunkMac sender = new ChunkMac(auth, KEY);
        sender.begin(SESSION, new ChunkHeader().wrap(header, 0), false).update(payload, 0, 100).sign(header, 0);
        assertThrows(IllegalStateException.class, () -> sender.begin(SESSION, new ChunkHeader().wrap(header, 0), false));
    }

    private static boolean verify(
        final ChunkMac mac, final int session, final UnsafeBuffer header, final UnsafeBuffer payload)
    {
        return mac.begin(session, new ChunkHeader().wrap(header, 0), true)
            .update(payload, 0, payload.capacity()).verify(header, 0);
    }

    private static UnsafeBuffer header(final ChunkAuth auth)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(ChunkHeader.LENGTH));
        final ChunkHeader header = new ChunkHeader().wrap(buffer, 0);
        header.putMessage(MessageKind.GRADIENT, 3, 77L, 99L, 12L, 0L, PAYLOAD / 4, PAYLOAD, auth, KEY.id());
        header.putChunk(0, 1, PAYLOAD, 0, PAYLOAD).sequence(SEQUENCE);
        return buffer;
    }

    private static byte[] reference(final ChunkAuth auth, final UnsafeBuffer header, final byte[] payload)
        throws Exception
    {
        final byte[] session = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(SESSION).array();
        final byte[] covered = new byte[ChunkHeader.CHECKSUMMED_LENGTH];
        header.getBytes(0, covered);
        if (auth == ChunkAuth.HMAC_SHA256)
        {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(KEY.bytes(), "HmacSHA256"));
            mac.update(session);
            mac.update(covered);
            return Arrays.copyOf(mac.doFinal(payload), ChunkHeader.TAG_LENGTH);
        }
        final byte[] nonce = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(SESSION).putLong(SEQUENCE)
            .array();
        if (auth == ChunkAuth.CHACHA20_POLY1305)
        {
            final Cipher aead = Cipher.getInstance("ChaCha20-Poly1305");
            aead.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(KEY.bytes(), "ChaCha20"), new IvParameterSpec(nonce));
            final int pad = -(session.length + covered.length) & 15;
            final byte[] associated = ByteBuffer.allocate(session.length + covered.length + pad + payload.length)
                .put(session).put(covered).put(new byte[pad]).put(payload).array();
            aead.updateAAD(associated);
            return aead.doFinal();
        }
        final Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(KEY.bytes(), "AES"), new GCMParameterSpec(128, nonce));
        gcm.updateAAD(session);
        gcm.updateAAD(covered);
        final byte[] sealed = gcm.doFinal(payload);
        return Arrays.copyOfRange(sealed, sealed.length - ChunkHeader.TAG_LENGTH, sealed.length);
    }

    private static byte[] tagOf(final UnsafeBuffer header)
    {
        final byte[] tag = new byte[ChunkHeader.TAG_LENGTH];
        header.getBytes(ChunkHeader.TAG_OFFSET, tag);
        return tag;
    }

    private static byte[] random(final int length, final long seed)
    {
        final byte[] bytes = new byte[length];
        final SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)random.nextInt();
        }
        return bytes;
    }
}
