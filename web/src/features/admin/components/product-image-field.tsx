import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { PRODUCT_IMAGE_TYPES, type Product } from '@pedidos/contracts/inventory';
import { Button } from '../../../components/button';
import { Field } from '../../../components/field';
import { ApiError } from '../../../lib/api-client';
import { errorMessage } from '../../../lib/error-message';
import { useRemoveProductImage, useUploadProductImage } from '../api/product-image';

/** The server's refusals of a file, in the user's words: too big (413) or not a JPEG, PNG or WebP (415). */
function imageError(error: unknown, t: TFunction): string | undefined {
  if (!error) return undefined;
  if (error instanceof ApiError && error.status === 413) return t('product.image.tooLarge');
  if (error instanceof ApiError && error.status === 415) return t('product.image.unsupported');
  return errorMessage(error, t);
}

/**
 * The chosen file as a data: URL, which the app's Content-Security-Policy allows for images (it
 * allows no blob: URLs). A choice replaced before it is read is never shown.
 */
function usePreviewUrl(file: File | null) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    setUrl(null);
    if (!file) return;
    const reader = new FileReader();
    reader.onload = () => setUrl(typeof reader.result === 'string' ? reader.result : null);
    reader.readAsDataURL(file);
    return () => reader.abort();
  }, [file]);
  return url;
}

/** Upload, replace or remove a product's photo, previewing the chosen file before it is sent. */
export function ProductImageField({ product }: { product: Product }) {
  const { t } = useTranslation();
  const upload = useUploadProductImage(product.sku);
  const remove = useRemoveProductImage(product.sku);
  const [file, setFile] = useState<File | null>(null);
  const [done, setDone] = useState<'uploaded' | 'removed' | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const preview = usePreviewUrl(file);
  const clear = () => {
    setFile(null);
    // So the same file may be chosen again and the input shows nothing chosen.
    if (input.current) input.current.value = '';
  };
  const shown = preview ?? product.imageUrl;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    remove.reset();
    upload.mutate(file, {
      onSuccess: () => {
        clear();
        setDone('uploaded');
      },
    });
  };

  return (
    <form className="image-form" onSubmit={submit} noValidate aria-label={t('product.image.formOf', { name: product.name })}>
      <div className="image-preview">
        {shown ? (
          <img src={shown} alt={preview ? t('product.image.preview') : t('product.photoOf', { name: product.name })} />
        ) : (
          <span className="muted small">{t('product.image.none')}</span>
        )}
      </div>
      <Field label={t('product.image.label')} error={imageError(upload.error ?? remove.error, t)} hint={t('product.image.hint')}>
        {(c) => (
          <input
            {...c}
            type="file"
            ref={input}
            accept={PRODUCT_IMAGE_TYPES.join(',')}
            onChange={(event) => {
              upload.reset();
              setDone(null);
              setFile(event.target.files?.[0] ?? null);
            }}
          />
        )}
      </Field>
      <div className="row-actions">
        <Button type="submit" size="sm" pending={upload.isPending} disabled={!file}>
          {product.imageUrl ? t('product.image.replace') : t('product.image.upload')}
        </Button>
        {product.imageUrl && (
          <Button
            size="sm"
            variant="secondary"
            pending={remove.isPending}
            onClick={() => {
              upload.reset();
              clear();
              remove.mutate(undefined, { onSuccess: () => setDone('removed') });
            }}
          >
            {t('product.image.remove')}
          </Button>
        )}
      </div>
      <span className="visually-hidden" role="status">
        {done === 'uploaded' ? t('product.image.uploaded') : done === 'removed' ? t('product.image.removed') : ''}
      </span>
    </form>
  );
}
