package io.descent.k8s;

import io.descent.nn.error.BadInputException;

import java.util.regex.Pattern;

/**
 * Checks a container image reference from {@code --image}: {@code [registry/]repository[:tag][@digest]}. A digest pins
 * the image to exact content (a tag can be moved to other content, a digest cannot); it must be
 * {@code sha256:} and 64 lower-case hex digits, or {@code sha512:} and 128. Stateless.
 */
public final class ImageReference
{
    private static final Pattern REPOSITORY = Pattern.compile("[a-z0-9]([a-z0-9._\\-/:]*[a-z0-9])?");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128}");

    private ImageReference()
    {
    }

    /**
     * @param image the reference.
     * @return true when it names a digest ({@code ...@sha256:...}).
     */
    public static boolean pinned(final String image)
    {
        return image.indexOf('@') >= 0;
    }

    /**
     * @param image the reference from the user.
     * @throws BadInputException with one line naming {@code --image}, the value and the expected form.
     */
    public static void check(final String image)
    {
        if (null == image || image.isBlank())
        {
            throw new BadInputException("--image is empty; give the container image built from deploy/Dockerfile, " +
                "e.g. --image registry.example.com/descent:0.1.0 (or pinned: ...descent@sha256:<64 hex digits>)");
        }
        String repository = image;
        final int at = repository.indexOf('@');
        if (at >= 0)
        {
            final String digest = repository.substring(at + 1);
            if (!DIGEST.matcher(digest).matches())
            {
                throw new BadInputException("--image '" + image + "' has a malformed digest '" + digest + "'; a " +
                    "digest is sha256: and 64 lower-case hex digits (docker buildx imagetools inspect IMAGE prints it)");
            }
            repository = repository.substring(0, at);
        }
        final int colon = repository.lastIndexOf(':');
        if (colon > repository.lastIndexOf('/'))
        {
            if (!TAG.matcher(repository.substring(colon + 1)).matches())
            {
                throw new BadInputException("--image '" + image + "' has a malformed tag; a tag is letters, digits, " +
                    "'_', '.' and '-', at most 128, e.g. descent:0.1.0");
            }
            repository = repository.substring(0, colon);
        }
        if (!REPOSITORY.matcher(repository).matches() || image.chars().anyMatch(Character::isWhitespace))
        {
            throw new BadInputException("--image '" + image + "' is not an image reference; use " +
                "[registry/]repository[:tag][@sha256:digest] with a lower-case repository, e.g. descent:0.1.0");
        }
    }
}
