import { Badge, Group, Text, type TextProps } from '@mantine/core';
import { isArabic } from '../lib/format';

/** A person's name in any script: Arabic right to left in an Arabic face, others left to right, isolated for bidi. */
export function Name({ children, ...rest }: { children: string } & TextProps & { component?: 'span' | 'div' | 'p' }) {
  const ar = isArabic(children);
  return (
    <Text span dir={ar ? 'rtl' : 'auto'} lang={ar ? 'ar' : undefined} className={ar ? 'arabic' : undefined} style={{ unicodeBidi: 'isolate' }} {...rest}>
      {children}
    </Text>
  );
}

/** The script and kind of a recorded name (arabic / latin; primary, spelling, alias ...), as two small badges. */
export function NameBadges({ script, kind }: { script: string; kind: string }) {
  return (
    <Group gap={4} justify="flex-end">
      <Badge variant="outline" size="sm">
        {script}
      </Badge>
      <Badge variant="light" size="sm" color="gray">
        {kind}
      </Badge>
    </Group>
  );
}
