import { Anchor, type AnchorProps } from '@mantine/core';
import type { ReactNode } from 'react';
import { useLinkHandler } from '../lib/router';

export function Link({ to, children, ...rest }: { to: string; children: ReactNode } & AnchorProps & { 'aria-label'?: string; dir?: string }) {
  const onClick = useLinkHandler(to);
  return (
    <Anchor href={to} onClick={onClick} {...rest}>
      {children}
    </Anchor>
  );
}
